import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { createPool } from '../../../db/pool.ts';
import { createScratchDatabase } from '../../../db/scratch-database.ts';
import type { Database } from '../../../db/open-database.ts';
import { configuredMigrator } from '../../../migrations/configured-migrator.ts';
import type { Migrator } from '../../../migrations/migrator.ts';
import type { GateContext } from '../../gate.ts';

/** The migrations directory of the judged repository. */
export function migrationsDirOf(ctx: GateContext): string {
  return resolve(ctx.cwd, ctx.config.migrations.dir);
}

export function migratorFor(ctx: GateContext, pool: Pool): Migrator {
  return configuredMigrator(pool, ctx.cwd, ctx.config.migrations, {
    lockWaitMs: 30_000,
    appliedBy: 'hermes-gates',
  });
}

/**
 * A scratch database on the configured database's server (an in-memory one when that is the
 * embedded database), migrated up to `to` (default: every migration), dropped afterwards.
 */
export async function withMigratedScratch<T>(
  ctx: GateContext,
  db: Database,
  work: (pool: Pool, migrator: Migrator) => Promise<T>,
  to?: string,
): Promise<T> {
  const scratch = await createScratchDatabase(db.url, db.embedded, 'hermes_gate');
  const pool = createPool(scratch.url, {
    max: 2,
    connectionTimeoutMs: 10_000,
    idleTimeoutMs: 1_000,
    statementTimeoutMs: 0,
    applicationName: 'hermes-gates',
  });
  try {
    const migrator = migratorFor(ctx, pool);
    if (to !== '0') {
      const run = await migrator.up(to);
      if (run.error) throw run.error;
    }
    return await work(pool, migrator);
  } finally {
    await pool.end();
    await scratch.drop();
  }
}
