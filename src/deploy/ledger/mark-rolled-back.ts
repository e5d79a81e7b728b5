import type { Queryable } from '../../db/queryable.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { Deployment } from './deployment.ts';
import { deploymentColumns, toDeployment, type DeploymentRow } from './deployment-row.ts';
import { refuseChange } from './refuse-change.ts';

// A failed deployment may have been activated before its failing step, so it can be rolled back too.
const rollBackFinished = `
UPDATE hermes_ops.deployments
SET status = 'rolled_back', rollback_triggered = true, rollback_reason = $2,
    rolled_back_at = statement_timestamp()
WHERE id = $1 AND status IN ('succeeded', 'failed')
RETURNING ${deploymentColumns}`;

/** Records that a finished deployment was rolled back, and why; it is no longer live. */
export async function markRolledBack(db: Queryable, id: string, reason: string): Promise<Deployment> {
  if (reason.trim() === '')
    throw new HermesError('invalid_argument', `a rollback of deployment ${id} needs a reason`);
  const { rows } = await db.query<DeploymentRow>(rollBackFinished, [id, reason]);
  const [row] = rows;
  if (!row) throw await refuseChange(db, id, 'roll back');
  return toDeployment(row);
}
