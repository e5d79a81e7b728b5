import { relative } from 'node:path';
import type { Pool } from 'pg';
import { createPool } from '../../../db/pool.ts';
import type { Database } from '../../../db/open-database.ts';
import type { MigrationFile } from '../../../migrations/migration-file.ts';
import type { MigrationStatus } from '../../../migrations/migration-status.ts';
import { configuredMigrator } from '../../../migrations/configured-migrator.ts';
import type { MigrationRunResult } from '../../../migrations/migrator.ts';
import { releaseOf } from '../../../migrations/release-of.ts';
import type { Evidence, Gate, GateContext, GateOutcome } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { errorOutcome, listSome, plural } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { takeRecordsSnapshot } from './data-snapshot.ts';
import type { DeployStepHooks } from './deploy-step-hooks.ts';
import { judgeMigration } from './judge-migration.ts';
import { rehearseRollback, type Rehearsal } from './rehearse-rollback.ts';

/** The newest version the database has applied, as the migrator names it; null when none. */
export function appliedVersion(status: readonly MigrationStatus[]): string | null {
  return status.filter((m) => m.state !== 'pending').at(-1)?.version ?? null;
}

/** One line per pending migration, naming its SQL files (relative to the repository). */
function planLines(steps: readonly MigrationFile[], cwd: string): string[] {
  return steps.map((f) => {
    const down = f.downPath === null ? 'no down file' : `down ${relative(cwd, f.downPath)}`;
    return `${f.name}: ${relative(cwd, f.upPath)} (${down})`;
  });
}

/**
 * The migrations' own connections: the shared pool's client-side query timeout
 * (database.statementTimeoutMs) would cut a long migration off while the server carries on; the
 * migrator sets its own statement_timeout. The embedded database serves one session anyway.
 */
async function withMigrationPool<T>(
  ctx: GateContext,
  db: Database,
  work: (pool: Pool) => Promise<T>,
): Promise<T> {
  if (db.embedded) return work(db.pool);
  // As the schema's owner when the service's role is the gates' connection.
  const pool = createPool(ctx.config.database.migrationUrl ?? db.url, {
    max: 2,
    connectionTimeoutMs: ctx.config.database.connectionTimeoutMs,
    idleTimeoutMs: 1_000,
    statementTimeoutMs: 0,
    applicationName: 'hermes-migrate',
  });
  try {
    return await work(pool);
  } finally {
    await pool.end();
  }
}

function rehearsalOutcome(rehearsal: Exclude<Rehearsal, { ok: true }>, plan: Evidence): GateOutcome {
  const evidence: Evidence[] = [plan];
  if (rehearsal.details.length > 0)
    evidence.push({
      kind: 'diff',
      title: 'rollback test on a scratch database',
      content: rehearsal.details.join('\n'),
    });
  return {
    status: 'fail',
    summary: `rollback test failed (${rehearsal.step}) on ${rehearsal.migration}: ${rehearsal.problem}; the live database was not touched`,
    evidence,
  };
}

/** The failed migration of a live run that planned, and its error; a plan refused names no migration. */
export function failureOf(
  run: MigrationRunResult | undefined,
): { migration: string; error: string } | undefined {
  if (run?.error === undefined) return undefined;
  const culprit = run.results?.find((r) => r.status === 'failed');
  if (culprit !== undefined) return { migration: culprit.name, error: culprit.error ?? run.error.message };
  return { migration: 'the plan', error: [run.error.message, ...run.error.details].join('; ') };
}

async function migrateProduction(
  ctx: GateContext,
  db: Database,
  pool: Pool,
  hooks: DeployStepHooks,
): Promise<GateOutcome> {
  const settings = gateThresholds(ctx.config).deploy.migrate;
  const records = gateThresholds(ctx.config).db.records;
  const migrator = configuredMigrator(pool, ctx.cwd, ctx.config.migrations, {
    lockWaitMs: settings.lockWait,
    // db.schema.breaking finds the release a deployment replaces by this.
    release: releaseOf(ctx.cwd),
  });
  // (a) the plan
  const plan = await migrator.plan('up');
  const versionBefore = appliedVersion(await migrator.status());
  const pending = plan.steps.map((f) => f.name);
  const lines = planLines(plan.steps, ctx.cwd);
  const planned: Evidence = {
    kind: 'plan',
    title: 'migration plan',
    content:
      lines.length === 0
        ? `nothing pending: the schema is at version ${versionBefore ?? 'none'}`
        : lines.join('\n'),
  };
  ctx.log(
    pending.length === 0 ? 'plan: nothing pending' : `plan: ${plural(pending.length, 'pending migration')}`,
  );
  for (const line of lines) ctx.log(`  ${line}`);
  const unchanged = { schemaVersionBefore: versionBefore, schemaVersionAfter: versionBefore };
  if (plan.blockers.length > 0) {
    await hooks.record(ctx, unchanged);
    return {
      status: 'fail',
      summary: `migrations refused: ${listSome(plan.blockers)}`,
      evidence: [
        planned,
        { kind: 'text', title: 'why the plan may not run', content: plan.blockers.join('\n') },
      ],
    };
  }
  // (b) rollback tested, before the live database is touched
  if (pending.length > 0) {
    ctx.log('rollback test on a scratch database: up, down, up again');
    const rehearsal = await rehearseRollback(ctx, db, versionBefore, pending);
    if (!rehearsal.ok) {
      await hooks.record(ctx, unchanged);
      return rehearsalOutcome(rehearsal, planned);
    }
  }
  if (ctx.signal.aborted) return errorOutcome('cancelled', 'the run was cancelled before the migration');
  // (c) snapshot, (d) migrate under the migrator's lock, (e) snapshot again
  const snapshot = (upTo?: string | null) =>
    takeRecordsSnapshot(pool, records, settings.snapshotTimeout, upTo);
  const before = await snapshot();
  const started = performance.now();
  let run: MigrationRunResult | undefined;
  if (pending.length > 0) {
    ctx.log(`applying ${pending.join(', ')}`);
    run = await migrator.up();
    if (run.results === undefined) {
      await hooks.record(ctx, unchanged);
      return errorOutcome(
        'the migrations did not start',
        [run.error.message, ...run.error.details].join('; '),
      );
    }
  }
  const durationMs = Math.round(performance.now() - started);
  // Whatever happened, the data is compared: a failed migration may still have changed some.
  const after = await snapshot(before?.figures?.latest ?? null);
  const versionAfter = appliedVersion(await migrator.status());
  await hooks.record(ctx, { schemaVersionBefore: versionBefore, schemaVersionAfter: versionAfter });
  const outcome = judgeMigration({
    pending,
    applied: (run?.results ?? []).filter((r) => r.status === 'success').map((r) => r.name),
    failure: failureOf(run),
    before,
    after,
    typeChanges: settings.typeChanges,
    versionBefore,
    versionAfter,
    durationMs,
  });
  return { ...outcome, evidence: [planned, ...(outcome.evidence ?? [])] };
}

/** §2.2.1 and §2.2.2: the production database migrated, with the rollback tested first and the data checked. */
export function migrateProductionGate(hooks: DeployStepHooks): Gate {
  return {
    id: 'db.migrate.production',
    stage: 'deploy',
    title: 'Migrations deployed',
    description:
      "`npm run db:migrate:production`: plans the pending migrations; applies them up, down and up again on a scratch database at the live database's version (the rollback test; any failure stops the step before the live database is touched); takes §2.2.2's snapshot of the records table (the spec's query, a checksum of every lead_id, the columns' types and the constraints); applies the migrations to the live database under the migration lock; and takes the snapshot again. Fails when a migration fails, when records went down, unique leads or the lead_id checksum changed (leads committed meanwhile are not counted), the earliest record changed, a column disappeared or changed type unless declared in `typeChanges`, or a constraint added is not validated. Records the schema version before and after on the deployment.",
    spec: '§2.2.1',
    // Stopping a migration halfway is worse than a slow one: the migrator's statement timeout bounds it.
    timeoutMs: 3_600_000,
    thresholds: (config) =>
      describeThresholds(config, 'deploy', 'migrate', {
        typeChanges:
          'column type conversions the release intends ({ column, from, to }, types as PostgreSQL prints them); any other type change fails',
        lockWait: "how long to wait for another process's migration lock",
        snapshotTimeout: 'statement_timeout of each before/after data snapshot',
      }),
    run: (ctx) =>
      withGateDatabase(ctx, 'migrate the database', (db) =>
        withMigrationPool(ctx, db, (pool) => migrateProduction(ctx, db, pool, hooks)),
      ),
  };
}
