import type { Pool } from 'pg';
import { withMigrationLock } from '../migrations/migration-lock.ts';
import { hermesVersion } from '../observability/version.ts';
import { loadOpsSteps, recordVersionSql } from './ops-schema.ts';
import { planOpsInit, type OpsPlan } from './plan-ops-init.ts';
import { readOpsState } from './read-ops-state.ts';

export interface OpsInitOptions {
  /** Print the plan only. */
  dryRun: boolean;
  /** The project's up migrations that mention hermes_ops (see planOpsInit). */
  owners: readonly string[];
  lockWaitMs: number;
}

export interface OpsInitResult {
  plan: OpsPlan;
  applied: boolean;
}

/**
 * `hermes ops init`: Hermes's ops tables on this database, nothing else. It holds the migration
 * advisory lock (so it never races `hermes migrate`) and runs in one transaction: all or nothing.
 */
export async function initOpsSchema(pool: Pool, options: OpsInitOptions): Promise<OpsInitResult> {
  const steps = loadOpsSteps();
  if (options.dryRun) {
    return { plan: planOpsInit(await readOpsState(pool), steps, options.owners), applied: false };
  }
  return withMigrationLock(pool, options.lockWaitMs, async (client) => {
    await client.query('BEGIN');
    try {
      const plan = planOpsInit(await readOpsState(client), steps, options.owners);
      if (plan.kind !== 'apply') {
        await client.query('ROLLBACK');
        return { plan, applied: false };
      }
      for (const statement of plan.statements) await client.query(statement.sql);
      for (const step of plan.steps)
        await client.query(recordVersionSql, [step.version, step.name, step.checksum, hermesVersion]);
      await client.query('COMMIT');
      return { plan, applied: true };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
