import type { Pool } from 'pg';
import type { Queryable } from '../../db/queryable.ts';
import { withTransaction } from '../../db/transaction.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import { loadServiceRoleGrants, serviceRole } from './service-role-grants.ts';

export interface ServiceRoleRequest {
  /** A login role to make a member of hermes_service (created when it does not exist). */
  login: string | undefined;
  /** Set on the login role; unset leaves its password as it is. */
  password: string | undefined;
  dryRun: boolean;
}

export interface ServiceRoleResult {
  role: typeof serviceRole;
  /** What was run (or, with --dry-run, would be), secrets left out. */
  statements: string[];
  login: { name: string; created: boolean; passwordSet: boolean } | null;
  dryRun: boolean;
}

/** Role names as PostgreSQL takes them unquoted: what a DATABASE_URL user can be without escaping. */
const roleName = /^[a-z_][a-z0-9_]{0,62}$/;

const roleExists = async (db: Queryable, name: string): Promise<boolean> =>
  (await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rows.length > 0;

/** Refuses a login that would defeat the point: the owner, a superuser, the group itself. */
async function checkLogin(db: Queryable, login: string): Promise<void> {
  if (!roleName.test(login))
    throw new HermesError(
      'usage_invalid',
      `--login: expected a role name of lower-case letters, digits and _ (got ${login})`,
    );
  if (login === serviceRole)
    throw new HermesError(
      'usage_invalid',
      `--login: ${serviceRole} is the group role; give the login role's name`,
    );
  const { rows } = await db.query<{ superuser: boolean; owner: boolean }>(
    `SELECT rolsuper AS superuser,
            EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public' AND c.relname = 'hermes_leads' AND pg_has_role(r.oid, c.relowner, 'USAGE')) AS owner
     FROM pg_roles r WHERE rolname = $1`,
    [login],
  );
  const row = rows[0];
  if (row?.superuser === true)
    throw new HermesError(
      'service_role_refused',
      `${login} is a superuser: the service's login must be a role of its own`,
    );
  if (row?.owner === true)
    throw new HermesError(
      'service_role_refused',
      `${login} owns Hermes's tables: the service's login must not be the owner`,
    );
}

/**
 * `hermes ops service-role`: hermes_service with exactly the service's rights (migration 0042's
 * grants, run again: idempotent), and optionally a login role in it. Run as a role that may
 * create roles (the owner, with CREATEROLE, or an administrator).
 */
export async function applyServiceRole(pool: Pool, request: ServiceRoleRequest): Promise<ServiceRoleResult> {
  const db: Queryable = pool;
  const grants = loadServiceRoleGrants();
  const statements = [grants.trim()];
  const { login } = request;
  let created = false;
  if (login !== undefined) {
    await checkLogin(db, login);
    created = !(await roleExists(db, login));
    statements.push(
      created ? `CREATE ROLE ${login} LOGIN IN ROLE ${serviceRole}` : `GRANT ${serviceRole} TO ${login}`,
    );
    if (request.password !== undefined)
      statements.push(`ALTER ROLE ${login} PASSWORD '…' (HERMES_SERVICE_ROLE_PASSWORD)`);
  }
  const result: ServiceRoleResult = {
    role: serviceRole,
    statements,
    login: login === undefined ? null : { name: login, created, passwordSet: request.password !== undefined },
    dryRun: request.dryRun,
  };
  if (request.dryRun) return result;

  await withTransaction(pool, async (client) => {
    await client.query(grants);
    if (!(await roleExists(client, serviceRole)))
      throw new HermesError(
        'service_role_refused',
        `${serviceRole} could not be created: this role may not create roles; run as one with CREATEROLE (or a superuser)`,
      );
    if (login === undefined) return;
    // DDL takes no parameters: format() quotes the names and the password, from parameters.
    const ddl = created ? 'CREATE ROLE %I LOGIN IN ROLE %I' : 'GRANT %2$I TO %1$I';
    await client.query(await formatted(client, ddl, login, serviceRole));
    if (request.password !== undefined)
      await client.query(await formatted(client, 'ALTER ROLE %I PASSWORD %L', login, request.password));
  });
  return result;
}

/** `format(template, a, b)` by the server: identifiers and literals quoted as PostgreSQL quotes them. */
async function formatted(db: Queryable, template: string, a: string, b: string): Promise<string> {
  const { rows } = await db.query<{ sql: string }>('SELECT format($1::text, $2::text, $3::text) AS sql', [
    template,
    a,
    b,
  ]);
  return rows[0]?.sql ?? '';
}
