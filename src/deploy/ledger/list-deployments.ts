import type { Queryable } from '../../db/queryable.ts';
import type { Deployment } from './deployment.ts';
import { deploymentColumns, toDeployment, type DeploymentRow } from './deployment-row.ts';

const listLatest = `
SELECT ${deploymentColumns}
FROM hermes_ops.deployments
ORDER BY started_at DESC, id DESC
LIMIT $1`;

/** The latest deployments, newest first. */
export async function listDeployments(db: Queryable, options: { limit: number }): Promise<Deployment[]> {
  const { rows } = await db.query<DeploymentRow>(listLatest, [options.limit]);
  return rows.map(toDeployment);
}
