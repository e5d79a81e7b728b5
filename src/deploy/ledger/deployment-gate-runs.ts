import type { Stage } from '../../config/sections/stage.ts';
import type { Queryable } from '../../db/queryable.ts';

/** One stage run of a deployment, as `hermes deployments show` names it. */
export interface DeploymentGateRun {
  id: string;
  stage: Stage;
  /** gate_runs.status: passed, failed or error. */
  status: string;
  startedAt: Date;
}

const listRuns = `
SELECT id, stage, status, started_at AS "startedAt"
FROM hermes_ops.gate_runs
WHERE deployment_id = $1
ORDER BY started_at, id`;

/** The stage runs recorded for a deployment, in the order they ran. */
export async function listDeploymentGateRuns(
  db: Queryable,
  deploymentId: string,
): Promise<DeploymentGateRun[]> {
  return (await db.query<DeploymentGateRun>(listRuns, [deploymentId])).rows;
}
