import type { Queryable } from '../db/queryable.ts';
import { opsSchema, opsTables } from './ops-schema.ts';

/** What of Hermes's ops schema a database holds. */
export interface OpsState {
  schema: boolean;
  /** The gate history tables present. */
  tables: string[];
  versionTable: boolean;
  /** Versions recorded in hermes_ops.schema_version. */
  applied: string[];
}

export async function readOpsState(db: Queryable): Promise<OpsState> {
  const { rows } = await db.query<{ schema: boolean; tables: string[]; version_table: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema,
            coalesce((SELECT array_agg(t ORDER BY t) FROM unnest($2::text[]) AS t
                       WHERE to_regclass(quote_ident($1) || '.' || quote_ident(t)) IS NOT NULL), '{}') AS tables,
            to_regclass(quote_ident($1) || '.schema_version') IS NOT NULL AS version_table`,
    [opsSchema, [...opsTables]],
  );
  const row = rows[0] ?? { schema: false, tables: [], version_table: false };
  const applied = row.version_table
    ? (
        await db.query<{ version: string }>(
          `SELECT version FROM ${opsSchema}.schema_version ORDER BY version`,
        )
      ).rows.map((r) => r.version)
    : [];
  return { schema: row.schema, tables: row.tables, versionTable: row.version_table, applied };
}
