import type pg from 'pg';
import { HermesError } from '../../errors/hermes-error.ts';

// One deployment at a time per database: blue and green, the ledger and the schema are shared.
const lockKey = 'hermes:deploy';

/**
 * Takes the deployment lock on a connection of its own, held until `release()`; a second
 * `hermes deploy` on the same database is refused at once rather than queued behind the first.
 */
export async function takeDeployLock(pool: pg.Pool): Promise<{ release(): Promise<void> }> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1)) AS locked',
      [lockKey],
    );
    if (rows[0]?.locked !== true) {
      throw new HermesError('deploy_in_progress', 'another hermes deploy is running against this database');
    }
  } catch (error) {
    client.release();
    throw error;
  }
  return {
    async release() {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
      } finally {
        client.release();
      }
    },
  };
}
