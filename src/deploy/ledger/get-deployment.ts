import type { Queryable } from '../../db/queryable.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { Deployment } from './deployment.ts';
import { deploymentColumns, toDeployment, type DeploymentRow } from './deployment-row.ts';
import { deploymentRef, type DeploymentRef } from './deployment-ref.ts';

/** How many of an ambiguous prefix's matches are named. */
const shownMatches = 5;

const findInRange = `
SELECT ${deploymentColumns}
FROM hermes_ops.deployments
WHERE id BETWEEN $1::uuid AND $2::uuid
ORDER BY started_at DESC, id DESC
LIMIT $3`;

/** The one deployment `ref` names, or why there is not one. */
export function pickDeployment(ref: DeploymentRef, found: readonly Deployment[]): Deployment {
  const [first, ...others] = found;
  if (!first)
    throw new HermesError('deployment_not_found', `no deployment ${ref.text}`, {
      details: ['see hermes deployments list'],
    });
  if (others.length === 0) return first;
  const count = found.length > shownMatches ? `more than ${String(shownMatches)}` : String(found.length);
  throw new HermesError('deployment_id_ambiguous', `${ref.text} matches ${count} deployments`, {
    details: [
      ...found
        .slice(0, shownMatches)
        .map((d) => `${d.id}  ${d.startedAt.toISOString()}  ${d.version}  ${d.status}`),
      'give more of the id',
    ],
  });
}

/** A deployment by its id or a unique prefix of it (at least 8 hex digits). */
export async function getDeployment(db: Queryable, idOrPrefix: string): Promise<Deployment> {
  const ref = deploymentRef(idOrPrefix);
  const { rows } = await db.query<DeploymentRow>(findInRange, [ref.low, ref.high, shownMatches + 1]);
  return pickDeployment(ref, rows.map(toDeployment));
}
