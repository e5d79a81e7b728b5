import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on one client: COMMIT when it resolves, ROLLBACK when it throws.
 * Nothing inside may wait on network I/O other than this database (see DESIGN.md: on the
 * embedded database an open transaction stalls every other connection).
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      // The connection itself failed; release it as broken so the pool discards it.
      broken = true;
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
