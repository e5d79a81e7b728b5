import type { Queryable } from '../../../../db/queryable.ts';

/** A right on a managed table (`hermes_ops.gate_runs`, `TRUNCATE`). */
export interface TableRight {
  table: string;
  privilege: string;
}

/** What PostgreSQL says one role may do on Hermes's schema. */
export interface RoleFacts {
  role: string;
  exists: boolean;
  superuser: boolean;
  bypassRls: boolean;
  /** Managed tables whose owner's rights the role has (it is the owner, or a member). */
  owns: string[];
  /** `public`, `hermes_ops`, or the database itself (`database`): where it may CREATE. */
  canCreateIn: string[];
  rights: TableRight[];
}

// Hermes's tables: its schema, and its own tables in public (another project's are not judged).
const managed = `c.relkind IN ('r', 'p') AND (n.nspname = 'hermes_ops'
  OR (n.nspname = 'public' AND (c.relname LIKE 'hermes\\_%' OR c.relname = 'schema_migrations')))`;

const attributesSql = `SELECT rolsuper AS superuser, rolbypassrls AS "bypassRls" FROM pg_roles WHERE rolname = $1`;

const ownsSql = `
SELECT n.nspname || '.' || c.relname AS name
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE ${managed} AND pg_has_role($1, c.relowner, 'USAGE')
ORDER BY 1`;

const createSql = `
SELECT where_ FROM (VALUES
  ('database', has_database_privilege($1, current_database(), 'CREATE')),
  ('public', has_schema_privilege($1, 'public', 'CREATE')),
  ('hermes_ops', EXISTS (SELECT FROM pg_namespace WHERE nspname = 'hermes_ops')
     AND has_schema_privilege($1, 'hermes_ops', 'CREATE'))
) AS s(where_, allowed)
WHERE allowed`;

const rightsSql = `
SELECT n.nspname || '.' || c.relname AS "table", p.privilege
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(privilege)
WHERE ${managed} AND has_table_privilege($1, c.oid, p.privilege)
ORDER BY 1, 2`;

/** The role's attributes, ownership and rights on the managed tables, as PostgreSQL grants them. */
export async function readRoleFacts(db: Queryable, role: string): Promise<RoleFacts> {
  const attributes = await db.query<{ superuser: boolean; bypassRls: boolean }>(attributesSql, [role]);
  const row = attributes.rows[0];
  if (row === undefined)
    return { role, exists: false, superuser: false, bypassRls: false, owns: [], canCreateIn: [], rights: [] };
  const owns = await db.query<{ name: string }>(ownsSql, [role]);
  const create = await db.query<{ where_: string }>(createSql, [role]);
  const rights = await db.query<TableRight>(rightsSql, [role]);
  return {
    role,
    exists: true,
    superuser: row.superuser,
    bypassRls: row.bypassRls,
    owns: owns.rows.map((r) => r.name),
    canCreateIn: create.rows.map((r) => r.where_),
    rights: rights.rows,
  };
}

const publicGrantsSql = `
SELECT n.nspname || '.' || c.relname AS "table", a.privilege_type AS privilege
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(c.relacl) AS a
WHERE ${managed} AND a.grantee = 0
UNION ALL
SELECT 'schema ' || n.nspname, a.privilege_type
FROM pg_namespace n CROSS JOIN LATERAL aclexplode(n.nspacl) AS a
WHERE n.nspname IN ('public', 'hermes_ops') AND a.grantee = 0 AND a.privilege_type = 'CREATE'
ORDER BY 1, 2`;

/** Rights granted to PUBLIC (every role) on the managed tables, and CREATE on their schemas. */
export async function readPublicGrants(db: Queryable): Promise<TableRight[]> {
  return (await db.query<TableRight>(publicGrantsSql)).rows;
}

const sessionRolesSql = `
SELECT DISTINCT usename AS role FROM pg_stat_activity
WHERE datname = current_database() AND application_name = ANY($1::text[]) AND usename IS NOT NULL
ORDER BY 1`;

/** The roles the service's sessions (by application_name) are connected as, right now. */
export async function readSessionRoles(
  db: Queryable,
  applicationNames: readonly string[],
): Promise<string[]> {
  return (await db.query<{ role: string }>(sessionRolesSql, [applicationNames])).rows.map((r) => r.role);
}

/** The role this connection runs as. */
export async function readCurrentRole(db: Queryable): Promise<string> {
  return (await db.query<{ role: string }>('SELECT current_user AS role')).rows[0]?.role ?? '';
}
