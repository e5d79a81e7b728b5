import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { HermesError } from '../../../errors/hermes-error.ts';

/**
 * Runs `work` on the configured (live) database so that it can only observe: a READ ONLY
 * transaction, always rolled back, with `timeoutMs` as its statement_timeout. Whatever `work`
 * sets with SET LOCAL (enable_seqscan) ends with it.
 */
export async function withLiveReadOnly<T>(
  pool: Pool,
  timeoutMs: number,
  work: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN READ ONLY');
    try {
      // set_config(..., true) is SET LOCAL with a parameter.
      await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
      return await work(client);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** Whether `quotedName` (quoted, perhaps schema-qualified) names a relation on this database. */
export async function relationExists(
  db: Pick<PoolClient, 'query'> | Pool,
  quotedName: string,
): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    quotedName,
  ]);
  return rows[0]?.exists ?? false;
}

/** undefined_table: a query about a table this database does not have (yet). */
export function isUndefinedTable(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && error.code === '42P01';
}

/** query_canceled: the statement timeout stopped it. */
export function isStatementTimeout(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '57014';
}

/** A live-side failure, named as such, so that the gate's `error` says which database refused. */
export function liveQueryError(name: string, error: unknown): HermesError {
  const message = error instanceof Error ? error.message : String(error);
  return new HermesError('gate_live_query_failed', `live database: query "${name}": ${message}`, {
    cause: error,
  });
}
