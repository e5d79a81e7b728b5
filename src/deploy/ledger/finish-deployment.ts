import type { Queryable } from '../../db/queryable.ts';
import type { Deployment } from './deployment.ts';
import { deploymentColumns, toDeployment, type DeploymentRow } from './deployment-row.ts';
import { refuseChange } from './refuse-change.ts';

export type DeploymentOutcome =
  { status: 'succeeded' } | { status: 'failed'; failedStep: string; failureReason: string };

/** The duration from the database's clock, as the start was; never negative if that clock steps back. */
export const finishedNow = `
  finished_at = statement_timestamp(),
  duration_ms = greatest(0, floor(extract(epoch FROM statement_timestamp() - started_at) * 1000))::bigint`;

const finishRunning = `
UPDATE hermes_ops.deployments
SET status = $2, failed_step = $3, failure_reason = $4, ${finishedNow}
WHERE id = $1 AND status = 'running'
RETURNING ${deploymentColumns}`;

/** Ends a running deployment; refuses one that is not running (finished already, or not there). */
export async function finishDeployment(
  db: Queryable,
  id: string,
  outcome: DeploymentOutcome,
): Promise<Deployment> {
  const failure = outcome.status === 'failed' ? outcome : { failedStep: null, failureReason: null };
  const { rows } = await db.query<DeploymentRow>(finishRunning, [
    id,
    outcome.status,
    failure.failedStep,
    failure.failureReason,
  ]);
  const [row] = rows;
  if (!row) throw await refuseChange(db, id, 'finish');
  return toDeployment(row);
}
