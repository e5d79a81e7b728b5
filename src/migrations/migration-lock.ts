import type { Pool, PoolClient } from 'pg';
import { MigrationError } from './migration-error.ts';

/** pg_advisory_lock key shared by every Hermes process that migrates. */
const lockKey = '7284391113004';

/** What `tryWithMigrationLock` gives back: the work's value, or why the lock was not had. */
export type LockOutcome<T> = { locked: true; value: T } | { locked: false; error: MigrationError };

/**
 * Runs `work` on one session that holds the migration advisory lock, so two `migrate` runs never
 * apply at once: the second waits (up to `waitMs`) and then finds nothing left to do. A lock not
 * had in time is a result (the Migrator reports it as one), not a throw.
 */
export async function tryWithMigrationLock<T>(
  pool: Pool,
  waitMs: number,
  work: (client: PoolClient) => Promise<T>,
): Promise<LockOutcome<T>> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${waitMs}ms`]);
    try {
      await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    } catch (error) {
      return {
        locked: false,
        error: new MigrationError(
          'migration_lock_timeout',
          `another migration held the migration lock for more than ${waitMs} ms`,
          { cause: error },
        ),
      };
    }
    await client.query('RESET lock_timeout');
    return { locked: true, value: await work(client) };
  } finally {
    // Ending the session releases the advisory lock and any session setting a migration left.
    client.release(true);
  }
}

/** `tryWithMigrationLock` for callers that stop on a lock not had: throws its MigrationError. */
export async function withMigrationLock<T>(
  pool: Pool,
  waitMs: number,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const outcome = await tryWithMigrationLock(pool, waitMs, work);
  if (!outcome.locked) throw outcome.error;
  return outcome.value;
}
