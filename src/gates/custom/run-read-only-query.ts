import type { FieldDef, PoolClient, QueryConfig } from 'pg';
import { HermesError } from '../../errors/hermes-error.ts';

export interface ReadOnlyQuery {
  /** One statement (checked by the caller); the extended protocol refuses more anyway. */
  statement: string;
  timeoutMs: number;
  /** `gates.sql.role`: the role the statement runs as; it must not be able to write. */
  role?: string | undefined;
}

export interface ReadOnlyResult {
  rows: Record<string, unknown>[];
  fields: FieldDef[];
}

/**
 * pg sends a query with the extended protocol (Parse/Bind/Execute) only when it has values or is
 * asked to; an empty `values` array alone still goes as a simple query, which runs `COMMIT; ...`.
 * `queryMode` is in pg 8.23 but not in its type definitions, hence the widened config type.
 */
type ExtendedQueryConfig = QueryConfig & { queryMode: 'extended' };

/** Managed tables the role may write: hermes_* in the current schema and all of hermes_ops. */
const writableManagedTables = `
  SELECT c.oid::regclass::text AS name
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p')
     AND (n.nspname = 'hermes_ops' OR (n.nspname = current_schema() AND c.relname LIKE 'hermes\\_%'))
     AND has_table_privilege($1, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE')
   ORDER BY 1`;

/**
 * Runs a gate's statement so that it can only observe: in a READ ONLY transaction that is always
 * rolled back, with the gate's timeout as statement_timeout, as `role` when one is configured.
 */
export async function runReadOnlyQuery(client: PoolClient, query: ReadOnlyQuery): Promise<ReadOnlyResult> {
  await client.query('BEGIN READ ONLY');
  try {
    // set_config(..., true) is SET LOCAL with a parameter: it ends with the transaction.
    await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(query.timeoutMs)]);
    if (query.role !== undefined) {
      const { rows } = await client.query<{ name: string }>(writableManagedTables, [query.role]);
      if (rows.length > 0)
        throw new HermesError(
          'gate_sql_role_writes',
          `gates.sql.role ${query.role} can write ${rows.map((r) => r.name).join(', ')}; a gate role must only read`,
        );
      await client.query(`SELECT set_config('role', $1, true)`, [query.role]);
    }
    const config: ExtendedQueryConfig = { text: query.statement, values: [], queryMode: 'extended' };
    const result = await client.query<Record<string, unknown>>(config);
    return { rows: result.rows, fields: result.fields };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}
