import type { HermesConfig } from '../../../../config/schema.ts';
import type { Queryable } from '../../../../db/queryable.ts';
import { serviceApplicationNames } from '../../../../db/service-sessions.ts';
import type { CriterionVerdict } from '../criterion-verdict.ts';
import { judgeServiceRole, type AccessFinding } from './judge-service-role.ts';
import { readCurrentRole, readPublicGrants, readRoleFacts, readSessionRoles } from './read-role-facts.ts';

export const accessCriterion = 'access control';

/** The roles to judge and how each was found: configured, the service's sessions, else this connection's. */
async function rolesToJudge(
  db: Queryable,
  configured: string | null,
): Promise<{ role: string; how: string }[]> {
  if (configured !== null)
    return [{ role: configured, how: 'gates.thresholds.db.dataProtection.serviceRole' }];
  const names = Object.values(serviceApplicationNames);
  const sessions = await readSessionRoles(db, names);
  if (sessions.length > 0) return sessions.map((role) => ({ role, how: "the service's connected sessions" }));
  return [
    {
      role: await readCurrentRole(db),
      how: `no service session connected (application_name ${names.join(', ')}): the role of this gate's connection`,
    },
  ];
}

/** §3.3.2 "access controls enforced": the findings on each role the service connects as. */
export async function judgeAccessControl(
  db: Queryable,
  config: Readonly<HermesConfig>,
  configuredRole: string | null,
): Promise<AccessFinding[]> {
  const production = config.environment === 'production';
  const publicGrants = await readPublicGrants(db);
  const findings: AccessFinding[] = [];
  for (const { role, how } of await rolesToJudge(db, configuredRole))
    findings.push(...judgeServiceRole(await readRoleFacts(db, role), publicGrants, production, how));
  // PUBLIC's grants are the same finding whichever role is judged.
  return findings.filter(
    (f, i) => !f.text.startsWith('granted to PUBLIC') || findings.findIndex((g) => g.text === f.text) === i,
  );
}

/** The access-control findings as db.data-protection's criterion: the worst level, its findings said. */
export function accessVerdict(findings: readonly AccessFinding[]): CriterionVerdict {
  const status = findings.some((f) => f.level === 'fail')
    ? 'fail'
    : findings.some((f) => f.level === 'warn')
      ? 'warn'
      : 'pass';
  const said = findings.filter((f) => f.level === status || status === 'pass').map((f) => f.text);
  return {
    status,
    text: `${accessCriterion}: ${said.join('; ')}`,
    measurements: [],
    evidence: [
      {
        kind: 'rows',
        title: 'access control findings',
        content: findings.map((f) => ({ level: f.level, finding: f.text })),
      },
    ],
  };
}
