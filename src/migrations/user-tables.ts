import { userSchemaCondition } from './schema-snapshot.ts';

/** A table of the user schemas, as the seeding and the data snapshot see it. */
export interface UserTable {
  oid: number;
  /** `schema.table`, for reports. */
  name: string;
  /** The same, quoted for SQL. */
  quoted: string;
}

/**
 * The ordinary and partitioned tables of the schemas the schema snapshot compares, without
 * `schema_migrations` (the migrator's bookkeeping) and without partitions (their parent holds
 * the rows), sorted so that reports are stable.
 */
export const userTablesSql = `
SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS name, format('%I.%I', n.nspname, c.relname) AS quoted
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations'
   AND ${userSchemaCondition('n.nspname')}
 ORDER BY name`;
