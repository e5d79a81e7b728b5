import { listSome, plural } from '../../support/outcome.ts';
import type { RoleFacts, TableRight } from './read-role-facts.ts';
import { neverNeeded, servicePrivileges } from './service-privileges.ts';

export interface AccessFinding {
  level: 'pass' | 'note' | 'warn' | 'fail';
  text: string;
}

/** `hermes_ops.gate_runs (INSERT, SELECT), hermes_ops.deployments (SELECT)`: rights grouped by table. */
export function describeRights(rights: readonly TableRight[]): string {
  const byTable = new Map<string, string[]>();
  for (const { table, privilege } of rights) byTable.set(table, [...(byTable.get(table) ?? []), privilege]);
  return listSome([...byTable].map(([table, privileges]) => `${table} (${privileges.join(', ')})`));
}

const needs = (right: TableRight): boolean =>
  servicePrivileges[right.table]?.includes(right.privilege) ?? false;

/** The rights beyond the service's needs, sorted by how much they matter. */
function excessFindings(facts: RoleFacts): AccessFinding[] {
  const { role } = facts;
  const findings: AccessFinding[] = [];
  if (facts.canCreateIn.length > 0)
    findings.push({
      level: 'fail',
      text: `${role} may CREATE in ${facts.canCreateIn.map((w) => (w === 'database' ? 'the database' : `schema ${w}`)).join(', ')}: the service could change the schema (DDL)`,
    });
  const schemaRights = facts.rights.filter((r) => neverNeeded.includes(r.privilege));
  if (schemaRights.length > 0)
    findings.push({
      level: 'fail',
      text: `${role} has ${describeRights(schemaRights)}: never the service's to use`,
    });
  const dml = facts.rights.filter((r) => !neverNeeded.includes(r.privilege) && !needs(r));
  const ops = dml.filter((r) => r.table.startsWith('hermes_ops.'));
  if (ops.length > 0)
    findings.push({
      level: 'fail',
      text: `${role} has rights on hermes_ops it does not need: ${describeRights(ops)}`,
    });
  const others = dml.filter((r) => !r.table.startsWith('hermes_ops.'));
  if (others.length > 0)
    findings.push({
      level: 'warn',
      text: `${role} has rights the service does not use: ${describeRights(others)}`,
    });
  if (facts.bypassRls)
    findings.push({ level: 'warn', text: `${role} bypasses row-level security (BYPASSRLS)` });
  return findings;
}

/** The rights the service uses and the role lacks: the service would fail on them. */
function missingRights(facts: RoleFacts): TableRight[] {
  const held = new Set(facts.rights.map((r) => `${r.table} ${r.privilege}`));
  return Object.entries(servicePrivileges).flatMap(([table, privileges]) =>
    privileges.filter((p) => !held.has(`${table} ${p}`)).map((privilege) => ({ table, privilege })),
  );
}

/**
 * §3.3.2 "access controls enforced", for the role the service connects as (`how`: how it was
 * found). The owner or a superuser is a warning outside production and a failure in it; a
 * role of its own fails on DDL, TRUNCATE/REFERENCES/TRIGGER and rights on hermes_ops it does not
 * need; PUBLIC holding any right on Hermes's tables fails whoever the service is.
 */
export function judgeServiceRole(
  facts: RoleFacts,
  publicGrants: readonly TableRight[],
  production: boolean,
  how: string,
): AccessFinding[] {
  const { role } = facts;
  const findings: AccessFinding[] = [];
  const overPowered = production ? 'fail' : 'warn';
  const ownRole =
    'give it a role of its own (`hermes ops service-role --login NAME`; migrations run as database.migrationUrl)';
  if (!facts.exists)
    findings.push({ level: 'warn', text: `the service's role ${role} (${how}) does not exist` });
  else if (facts.superuser)
    findings.push({
      level: overPowered,
      text: `the service connects as ${role} (${how}), a superuser: it may change the schema and read or drop anything; ${ownRole}`,
    });
  else if (facts.owns.length > 0)
    findings.push({
      level: overPowered,
      text: `the service connects as ${role} (${how}), which owns ${plural(facts.owns.length, 'table')} (${listSome(facts.owns)}): it may alter or drop them; ${ownRole}`,
    });
  else {
    findings.push(...excessFindings(facts));
    const missing = missingRights(facts);
    if (missing.length > 0)
      findings.push({
        level: 'warn',
        text: `${role} lacks rights the service uses: ${describeRights(missing)} (migration 0042 grants them to hermes_service)`,
      });
  }
  if (publicGrants.length > 0)
    findings.push({ level: 'fail', text: `granted to PUBLIC (every role): ${describeRights(publicGrants)}` });
  if (findings.length === 0)
    findings.push({
      level: 'pass',
      text: `the service's role ${role} (${how}) has the rights it uses and no more: no DDL, no TRUNCATE, nothing on the gate history or the ledger; nothing granted to PUBLIC`,
    });
  return findings;
}
