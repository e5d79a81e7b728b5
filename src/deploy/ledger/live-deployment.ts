import type { Queryable } from '../../db/queryable.ts';
import type { Deployment } from './deployment.ts';
import { deploymentColumns, toDeployment, type DeploymentRow } from './deployment-row.ts';

/**
 * Which deployment is live: the newest that succeeded (a rolled-back one is `rolled_back`, no longer
 * `succeeded`). Shared with startDeployment, which records it as the new one's previous.
 */
export const liveDeploymentFrom = `
FROM hermes_ops.deployments
WHERE status = 'succeeded'
ORDER BY started_at DESC, id DESC
LIMIT 1`;

/** The live deployment, or null when none has succeeded (or all were rolled back). */
export async function liveDeployment(db: Queryable): Promise<Deployment | null> {
  const { rows } = await db.query<DeploymentRow>(`SELECT ${deploymentColumns} ${liveDeploymentFrom}`);
  const [row] = rows;
  return row ? toDeployment(row) : null;
}
