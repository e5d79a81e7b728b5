import pg from 'pg';
import type { Pool, PoolClient } from 'pg';
import { HermesError } from '../../../errors/hermes-error.ts';
import { errorMessage } from '../../../errors/error-message.ts';

/**
 * Runs `work` so that it can only observe: a READ ONLY transaction, always rolled back, with
 * `timeoutMs` as its statement_timeout. Made for the configured (live) database; the scratch side
 * uses it too, for the bound. Whatever `work` sets with SET LOCAL (enable_seqscan) ends with it.
 */
export async function withReadOnlyTransaction<T>(
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
  const message = errorMessage(error);
  return new HermesError('gate_live_query_failed', `live database: query "${name}": ${message}`, {
    cause: error,
  });
}

export interface NamedSql {
  readonly name: string;
  readonly sql: string;
}

/** What one database made of the queries: the results, and the queries it could not run. */
export interface EachRun<T> {
  results: T[];
  /** Queries about a table this database lacks, each with the server's message. */
  absent: string[];
  /** Names of the queries the statement timeout cancelled. */
  timedOut: string[];
}

export const noRun = <T>(): EachRun<T> => ({ results: [], absent: [], timedOut: [] });

/** How a refused query is taken: noted, a finding, or the gate's error (thrown). */
export type Refusal =
  { kind: 'absent'; note: string } | { kind: 'timed out' } | { kind: 'throw'; error: unknown };

/**
 * The live side's rule: a missing table is noted, anything else is an error naming the live side;
 * a timeout is a finding (slower than any limit) only where the gate measures time.
 */
export function liveRefusal(timeoutIsFinding: boolean) {
  return (query: NamedSql, error: unknown): Refusal => {
    if (timeoutIsFinding && isStatementTimeout(error)) return { kind: 'timed out' };
    if (isUndefinedTable(error)) return { kind: 'absent', note: `${query.name} (${error.message})` };
    return { kind: 'throw', error: liveQueryError(query.name, error) };
  };
}

/** The scratch side's rule: a timeout is a finding, any other refusal the error it is. */
export function scratchRefusal(_query: NamedSql, error: unknown): Refusal {
  return isStatementTimeout(error) ? { kind: 'timed out' } : { kind: 'throw', error };
}

/** Each query in its own bounded read-only transaction, so that one refusal spoils nothing else. */
export async function eachReadOnly<Q extends NamedSql, T>(
  pool: Pool,
  queries: readonly Q[],
  timeoutMs: number,
  refusal: (query: Q, error: unknown) => Refusal,
  work: (client: PoolClient, query: Q) => Promise<T>,
): Promise<EachRun<T>> {
  const run = noRun<T>();
  for (const query of queries) {
    try {
      run.results.push(await withReadOnlyTransaction(pool, timeoutMs, (client) => work(client, query)));
    } catch (error) {
      const taken = refusal(query, error);
      if (taken.kind === 'throw') throw taken.error;
      if (taken.kind === 'timed out') run.timedOut.push(query.name);
      else run.absent.push(taken.note);
    }
  }
  return run;
}
