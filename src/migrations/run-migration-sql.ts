import { splitQuery, postgreSplitterOptions } from 'dbgate-query-splitter';
import type { PoolClient } from 'pg';

export interface Timeouts {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/**
 * Runs one migration file's SQL and `record` (the schema_migrations change) atomically:
 * in one transaction with local timeouts; or, for a `no-transaction` file, statement by
 * statement (CREATE INDEX CONCURRENTLY refuses a transaction block) and then the record.
 */
export async function runMigrationSql(
  client: PoolClient,
  sql: string,
  transactional: boolean,
  timeouts: Timeouts,
  record: () => Promise<void>,
): Promise<void> {
  const settings = [`${timeouts.lockTimeoutMs}ms`, `${timeouts.statementTimeoutMs}ms`];
  if (!transactional) {
    await client.query(
      `SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)`,
      settings,
    );
    // Without returnRichInfo (postgreSplitterOptions leave it off) splitQuery gives strings, none
    // blank: it drops empty statements itself. A future object would fail loudly, never be skipped.
    for (const statement of splitQuery(sql, postgreSplitterOptions)) await client.query(statement as string);
    await record();
    return;
  }
  await client.query('BEGIN');
  try {
    await client.query(
      `SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)`,
      settings,
    );
    await client.query(sql);
    await record();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
