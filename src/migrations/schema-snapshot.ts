import type { Queryable } from '../db/queryable.ts';

/** The schemas Hermes compares and seeds: every one but PostgreSQL's own (`column` names the namespace). */
export function userSchemaCondition(column: string): string {
  return `${column} NOT IN ('pg_catalog', 'information_schema') AND ${column} NOT LIKE 'pg\\_%'`;
}

/**
 * The user schema as sorted lines (`column public.hermes_leads.email text not null`, ...),
 * so two snapshots compare with a plain diff. `schema_migrations` is bookkeeping, not schema.
 */
const snapshotSql = `
WITH user_schemas AS (
  SELECT oid, nspname FROM pg_namespace
   WHERE ${userSchemaCondition('nspname')}
), relations AS (
  SELECT c.oid, c.relkind, n.nspname, n.nspname || '.' || c.relname AS name
    FROM pg_class c JOIN user_schemas n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relname <> 'schema_migrations'
)
SELECT 'schema ' || nspname AS line, 'schema' AS kind, '' AS owner, nspname AS name
  FROM user_schemas WHERE nspname <> 'public'
UNION ALL
SELECT 'relation ' || name || ' ' || relkind::text, 'relation', '', name FROM relations
UNION ALL
SELECT 'column ' || r.name || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
       || CASE WHEN a.attgenerated <> '' THEN ' generated' ELSE '' END
       || COALESCE(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
       'column', '', r.name || '.' || a.attname
  FROM relations r
  JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
UNION ALL
SELECT 'constraint ' || r.name || ' ' || co.conname || ' ' || pg_get_constraintdef(co.oid),
       'constraint', r.name, co.conname
  FROM pg_constraint co JOIN relations r ON r.oid = co.conrelid
UNION ALL
SELECT 'index ' || pg_get_indexdef(i.indexrelid), 'index', r.name,
       r.nspname || '.' || ic.relname
  FROM pg_index i JOIN relations r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
UNION ALL
SELECT 'trigger ' || pg_get_triggerdef(t.oid), 'trigger', r.name, t.tgname
  FROM pg_trigger t JOIN relations r ON r.oid = t.tgrelid WHERE NOT t.tgisinternal
UNION ALL
SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ') '
       || md5(p.prosrc),
       'function', '', n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
  FROM pg_proc p JOIN user_schemas n ON n.oid = p.pronamespace
UNION ALL
SELECT 'type ' || n.nspname || '.' || t.typname || ' '
       || COALESCE((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid), t.typtype::text),
       'type', '', n.nspname || '.' || t.typname
  FROM pg_type t JOIN user_schemas n ON n.oid = t.typnamespace
 WHERE t.typtype IN ('e', 'd')
UNION ALL
SELECT 'extension ' || extname, 'extension', '', extname FROM pg_extension WHERE extname <> 'plpgsql'
ORDER BY 1`;

/**
 * One line of the snapshot with the object it describes: `kind` (`column`, `index`, ...),
 * `name` (`public.hermes_leads.email`, `public.hermes_leads_email_idx`; for constraints and
 * triggers the bare name) and `owner` (the table of a constraint, index or trigger, else empty), so two
 * snapshots can be compared object by object rather than line by line.
 */
export interface SchemaObject {
  kind: string;
  owner: string;
  name: string;
  line: string;
}

export async function takeSchemaObjects(db: Queryable): Promise<SchemaObject[]> {
  const { rows } = await db.query<SchemaObject>(snapshotSql);
  return rows;
}

export async function takeSchemaSnapshot(db: Queryable): Promise<string[]> {
  return (await takeSchemaObjects(db)).map((row) => row.line);
}

/** Lines only in `expected` (`-`) or only in `actual` (`+`). */
export function diffSnapshots(expected: readonly string[], actual: readonly string[]): string[] {
  const before = new Set(expected);
  const after = new Set(actual);
  return [
    ...expected.filter((line) => !after.has(line)).map((line) => `- ${line}`),
    ...actual.filter((line) => !before.has(line)).map((line) => `+ ${line}`),
  ];
}
