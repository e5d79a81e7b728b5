import type { Gate } from '../../gate.ts';
import { findProblems, type MigrationStatus } from '../../../migrations/migration-status.ts';
import { schemaMigrationsTableExists } from '../../../migrations/schema-migrations-table.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { migratorFor } from '../support/migrated-scratch.ts';
import { listSome, measure } from '../support/outcome.ts';

/** §1.3.1's query, as the spec writes it. */
const appliedSql = `SELECT migration_name, checksum, applied_at
  FROM schema_migrations
 ORDER BY applied_at DESC`;

/**
 * Before a deploy, migrations newer than the database's newest applied one are this release's:
 * the deploy applies them. Everything else that differs from the files is a problem.
 */
export function pendingForDeploy(status: readonly MigrationStatus[]): MigrationStatus[] {
  return status.filter((m) => m.state === 'pending' && !m.outOfOrder);
}

/** What fails the gate: every status problem but the expected pending ones (and a missing down, the reversibility gate's). */
export function appliedProblems(status: readonly MigrationStatus[]): string[] {
  return findProblems(status)
    .filter((p) => p.kind !== 'pending' && p.kind !== 'no_down')
    .map((p) => p.message);
}

export const migrationsAppliedGate: Gate = {
  id: 'db.migrations.applied',
  stage: 'pre-deploy',
  title: 'Migrations applied',
  description:
    "Reads schema_migrations on the configured database (the spec's query) and compares it with the migration files. Pending migrations newer than the newest applied one are this release's and expected before a deploy (reported, not failed: the deploy applies them); a pending migration older than the newest applied one (out of order), a checksum mismatch, an applied migration whose file is missing, or one unknown to the code (the database is ahead) fails.",
  spec: '§1.3.1',
  timeoutMs: 60_000,
  run: (ctx) =>
    withGateDatabase(ctx, 'read the migration status', async (db) => {
      const migrator = migratorFor(ctx, db.pool);
      const files = migrator.files();
      const codeVersion = files.at(-1)?.version ?? '0';
      const hasTable = await schemaMigrationsTableExists(db.pool);
      const rows = hasTable ? (await db.pool.query(appliedSql)).rows : [];
      const status = await migrator.status();
      const applied = status.filter((m) => m.state === 'applied' || m.state === 'checksum_mismatch');
      const schemaVersion = status.filter((m) => m.state !== 'pending').at(-1)?.version ?? '0';
      const expected = pendingForDeploy(status);
      const problems = appliedProblems(status);
      const count = (state: string) => status.filter((m) => m.state === state).length;
      const measurements = [
        measure('applied', applied.length, 'count'),
        measure('pending, applied by the deploy', expected.length, 'count'),
        measure('pending out of order', status.filter((m) => m.outOfOrder).length, 'count', 0, '=='),
        measure('checksum mismatches', count('checksum_mismatch'), 'count', 0, '=='),
        measure(
          'unknown or missing files',
          count('missing_file') + count('unknown_applied'),
          'count',
          0,
          '==',
        ),
      ];
      const evidence = [
        {
          kind: 'rows' as const,
          title: 'schema_migrations (newest first)',
          content: rows.map((row: Record<string, unknown>) => ({ ...row })),
        },
      ];
      const pendingNote =
        expected.length === 0
          ? ''
          : `; ${expected.length} pending, applied by the deploy: ${listSome(expected.map((m) => m.name))}`;
      if (problems.length === 0) {
        const head =
          expected.length === 0
            ? `all ${files.length} migrations applied, checksums match, schema version ${schemaVersion} = code`
            : `${applied.length} of ${files.length} migrations applied, checksums match, schema version ${schemaVersion} (code ${codeVersion})`;
        return { status: 'pass', summary: `${head}${pendingNote}`, measurements, evidence };
      }
      const versionNote =
        schemaVersion === codeVersion ? '' : ` (schema version ${schemaVersion}, code ${codeVersion})`;
      return {
        status: 'fail',
        summary: `${listSome(problems)}${versionNote}${pendingNote}`,
        measurements,
        evidence: [...evidence, { kind: 'text', title: 'problems', content: problems.join('\n') }],
      };
    }),
};
