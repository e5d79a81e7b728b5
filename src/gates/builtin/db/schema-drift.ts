import type { MigrationStatus } from '../../../migrations/migration-status.ts';
import { schemaMigrationsTableExists } from '../../../migrations/schema-migrations-table.ts';
import { takeSchemaObjects } from '../../../migrations/schema-snapshot.ts';
import { hasOpsInitSchema, withoutOpsInitObjects } from '../../../ops/ops-init-objects.ts';
import type { Evidence, Gate } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { migratorFor, withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { compareSchemaObjects, describeDrift, headlineDrift, type Drift } from './compare-schema-objects.ts';

/**
 * The newest migration the database records as applied that has a file to rebuild it from:
 * the scratch is migrated up to it, so migrations still pending are never counted as drift.
 */
function newestAppliedVersion(status: readonly MigrationStatus[]): string {
  const applied = status.filter((m) => m.state === 'applied' || m.state === 'checksum_mismatch');
  return applied.at(-1)?.version ?? '0';
}

function driftEvidence(drift: readonly Drift[]): Evidence[] {
  const section = (title: string, lines: string[]): Evidence[] =>
    lines.length === 0 ? [] : [{ kind: 'diff', title, content: lines.join('\n') }];
  return [
    ...section(
      'missing on the database (in the migrations’ schema, not in the live one)',
      drift.filter((d) => d.kind === 'missing').map((d) => `- ${d.expected ?? d.object}`),
    ),
    ...section(
      'not from any migration (live only)',
      drift.filter((d) => d.kind === 'unexpected').map((d) => `+ ${d.actual ?? d.object}`),
    ),
    ...section(
      'differs (same object, another definition)',
      drift
        .filter((d) => d.kind === 'differs')
        .map((d) => `${describeDrift(d)}\n- ${d.expected ?? ''}\n+ ${d.actual ?? ''}`),
    ),
  ];
}

export const schemaDriftGate: Gate = {
  id: 'db.schema.drift',
  stage: 'pre-deploy',
  title: 'No schema drift on the database',
  description:
    'Takes the schema of the configured database (tables, columns with types, defaults and NOT NULL, constraints, indexes, triggers, functions of the user schemas; schema_migrations aside) and compares it, object by object, with the schema the migrations it records as applied produce on a scratch database: an object missing on the database, one not from any migration, or one with another definition (an index dropped by hand, a constraint removed) fails. Pending migrations are not drift.',
  spec: '§1.3.1',
  // A checksum mismatch or a missing file is db.migrations.applied's to name first.
  dependsOn: ['db.migrations.applied'],
  timeoutMs: 120_000,
  run: (ctx) =>
    withGateDatabase(ctx, 'compare the database schema with its migrations', async (db) => {
      if (!(await schemaMigrationsTableExists(db.pool))) {
        return skipOutcome(
          'no schema_migrations on the configured database',
          'nothing records which migrations the database holds, so there is no schema to compare it with (run `hermes migrate up` to manage it with migrations)',
        );
      }
      const status = await migratorFor(ctx, db.pool).status();
      const version = newestAppliedVersion(status);
      const pending = status.filter((m) => m.state === 'pending' && Number(m.version) > Number(version));
      ctx.log(`rebuilding the schema of migrations up to ${version} on a scratch database`);
      const expected = await withMigratedScratch(ctx, db, (pool) => takeSchemaObjects(pool), version);
      // Hermes's own ops tables made by `hermes ops init` on another project are not drift.
      const taken = await takeSchemaObjects(db.pool);
      const live = (await hasOpsInitSchema(db.pool)) ? withoutOpsInitObjects(taken) : taken;
      const { matched, drift } = compareSchemaObjects(expected, live);
      const count = (kind: Drift['kind']) => drift.filter((d) => d.kind === kind).length;
      const measurements = [
        measure('objects matched', matched, 'count'),
        measure('missing on the database', count('missing'), 'count', 0, '=='),
        measure('not from any migration', count('unexpected'), 'count', 0, '=='),
        measure('differing definitions', count('differs'), 'count', 0, '=='),
      ];
      const pendingNote =
        pending.length === 0 ? '' : `; ${plural(pending.length, 'pending migration')} not counted`;
      if (drift.length === 0) {
        return {
          status: 'pass',
          summary: `${plural(matched, 'schema object')} match the migrations applied up to ${version}${pendingNote}`,
          measurements,
        };
      }
      return {
        status: 'fail',
        summary: `drift: ${listSome(headlineDrift(drift).map(describeDrift), 3, '; ')}`,
        measurements,
        evidence: driftEvidence(drift),
      };
    }),
};
