import type { Database } from '../../../db/open-database.ts';
import type { MigrationError } from '../../../migrations/migration-error.ts';
import type { MigrationResult } from '../../../migrations/migrator.ts';
import { diffSnapshots, takeSchemaSnapshot } from '../../../migrations/schema-snapshot.ts';
import { seedRepresentativeRows } from '../../../migrations/seed-representative-rows.ts';
import type { GateContext } from '../../gate.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome } from '../support/outcome.ts';

export type RehearsalStep = 'up' | 'down' | 'up again';

/** §2.2.1's "Migration rollback tested": passed, or the migration at fault and how. */
export type Rehearsal =
  { ok: true } | { ok: false; step: RehearsalStep; migration: string; problem: string; details: string[] };

function failedRun(
  step: RehearsalStep,
  error: MigrationError,
  results: readonly MigrationResult[] | undefined,
): Rehearsal {
  const culprit = results?.find((r) => r.status === 'failed');
  const details = [...error.details];
  // A refused plan (a pending migration without a down) names its migrations in the details.
  const named = details.map((d) => d.split(':', 1).join(''));
  return {
    ok: false,
    step,
    migration: culprit?.name ?? listSome(named),
    problem: culprit?.error ?? error.message,
    details,
  };
}

/**
 * On a scratch database at the live database's version (`from`; null: none applied), with
 * representative rows in its tables: the pending migrations up, down to `from`, and up again.
 * After the downs the schema must be the one before the ups.
 */
export async function rehearseRollback(
  ctx: GateContext,
  db: Database,
  from: string | null,
  pending: readonly string[],
): Promise<Rehearsal> {
  const to = from ?? '0';
  return withMigratedScratch(
    ctx,
    db,
    async (pool, migrator) => {
      await seedRepresentativeRows(pool, new Set());
      const schemaBefore = await takeSchemaSnapshot(pool);
      const up = await migrator.up();
      if (up.error) return failedRun('up', up.error, up.results);
      const down = await migrator.down(to);
      if (down.error) return failedRun('down', down.error, down.results);
      const diff = diffSnapshots(schemaBefore, await takeSchemaSnapshot(pool));
      if (diff.length > 0) {
        return {
          ok: false,
          step: 'down',
          migration: listSome([...pending].reverse()),
          problem: 'the downs do not restore the schema the ups replaced',
          details: diff,
        };
      }
      const again = await migrator.up();
      if (again.error) return failedRun('up again', again.error, again.results);
      return { ok: true };
    },
    to,
  );
}
