import type { Gate } from '../../gate.ts';
import { statusProblems } from '../../../migrations/migration-status.ts';
import { schemaMigrationsTableExists } from '../../../migrations/schema-migrations-table.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { migratorFor } from '../support/migrated-scratch.ts';
import { listSome, measure } from '../support/outcome.ts';

/** §1.3.1's query, as the spec writes it. */
const appliedSql = `SELECT migration_name, checksum, applied_at
  FROM schema_migrations
 ORDER BY applied_at DESC`;

export const migrationsAppliedGate: Gate = {
  id: 'db.migrations.applied',
  stage: 'pre-deploy',
  title: 'Migrations applied',
  description:
    "Reads schema_migrations on the configured database (the spec's query) and compares it with the migration files: all applied, checksums matching, none pending, and the schema version equal to the code's newest migration.",
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
      // A missing down is the reversibility gate's concern, not this one's.
      const problems = statusProblems(status).filter((p) => !p.endsWith(': no down migration'));
      const count = (state: string) => status.filter((m) => m.state === state).length;
      const measurements = [
        measure('applied', applied.length, 'count', files.length, '=='),
        measure('pending', count('pending'), 'count', 0, '=='),
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
      if (problems.length === 0 && schemaVersion === codeVersion) {
        return {
          status: 'pass',
          summary: `all ${files.length} migrations applied, checksums match, schema version ${schemaVersion} = code`,
          measurements,
          evidence,
        };
      }
      const versionNote =
        schemaVersion === codeVersion ? '' : ` (schema version ${schemaVersion}, code ${codeVersion})`;
      return {
        status: 'fail',
        summary: `${listSome(problems.length > 0 ? problems : ['schema version differs'])}${versionNote}`,
        measurements,
        evidence: [...evidence, { kind: 'text', title: 'problems', content: problems.join('\n') }],
      };
    }),
};
