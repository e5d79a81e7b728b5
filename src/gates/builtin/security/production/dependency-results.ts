import type { Queryable } from '../../../../db/queryable.ts';
import { getDeployment } from '../../../../deploy/ledger/get-deployment.ts';
import { liveDeployment } from '../../../../deploy/ledger/live-deployment.ts';
import type { ComparisonScope, DependencyResult } from './judge-vulnerabilities.ts';

const select = `
SELECT r.run_id AS "runId", g.started_at AS "startedAt", r.outcome_status AS "outcomeStatus", r.evidence
FROM hermes_ops.gate_results r
JOIN hermes_ops.gate_runs g ON g.id = r.run_id
WHERE r.gate_id = 'security.dependencies'`;

async function latestOf(db: Queryable, deploymentId: string): Promise<DependencyResult | null> {
  const { rows } = await db.query<DependencyResult>(
    `${select} AND g.deployment_id = $1 ORDER BY g.started_at DESC, g.id DESC LIMIT 1`,
    [deploymentId],
  );
  return rows[0] ?? null;
}

/**
 * The two security.dependencies results to compare: the live deployment's latest and its previous
 * deployment's; with no deployment recorded, the two latest anywhere.
 */
export async function dependencyResults(
  db: Queryable,
): Promise<{ current: DependencyResult | null; previous: DependencyResult | null; scope: ComparisonScope }> {
  const live = await liveDeployment(db);
  if (live === null) {
    const { rows } = await db.query<DependencyResult>(
      `${select} ORDER BY g.started_at DESC, g.id DESC LIMIT 2`,
    );
    return {
      current: rows[0] ?? null,
      previous: rows[1] ?? null,
      scope: {
        subject: 'the latest run (no deployment recorded)',
        against: 'the run before it',
        noPrevious: 'only one run is recorded, and no deployment',
      },
    };
  }
  const current = await latestOf(db, live.id);
  const previousId = live.previousDeploymentId;
  const previous = previousId === null ? null : await latestOf(db, previousId);
  const before = previousId === null ? null : await getDeployment(db, previousId).catch(() => null);
  const subject = `deployment ${live.version}`;
  const earlier = before?.version ?? previousId;
  return {
    current,
    previous,
    scope: {
      subject,
      against: earlier === null ? 'no earlier deployment' : `deployment ${earlier}`,
      noPrevious:
        earlier === null
          ? `${subject} is the first recorded deployment`
          : `its previous deployment, ${earlier}, has no recorded result`,
    },
  };
}
