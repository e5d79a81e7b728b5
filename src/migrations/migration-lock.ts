import type { Pool, PoolClient } from 'pg';
import { MigrationError } from './migration-error.ts';

/** pg_advisory_lock key shared by every Hermes process that migrates. */
const lockKey = '7284391113004';

/**
 * Runs `work` on one session that holds the migration advisory lock, so two `migrate` runs never
 * apply at once: the second waits (up to `waitMs`) and then finds nothing left to do.
 */
export async function withMigrationLock<T>(
  pool: Pool,
  waitMs: number,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${waitMs}ms`]);
    try {
      await client.query('SELECT pg_advisory_lock($1)', [lockKey]);
    } catch (error) {
      throw new MigrationError(
        'migration_lock_timeout',
        `another migration held the migration lock for more than ${waitMs} ms`,
        { cause: error },
      );
    }
    await client.query('RESET lock_timeout');
    return await work(client);
  } finally {
    // Ending the session releases the advisory lock and any session setting a migration left.
    client.release(true);
  }
}
