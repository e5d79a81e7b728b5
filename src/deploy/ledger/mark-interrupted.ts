import { livenessOf, type Liveness, type ProcessIdentity } from '../../db/process-identity.ts';
import type { Queryable } from '../../db/queryable.ts';
import type { Deployment } from './deployment.ts';
import { deploymentColumns, toDeployment, type DeploymentRow } from './deployment-row.ts';
import { finishedNow } from './finish-deployment.ts';

/**
 * The failed step of a deployment whose process went away mid-run. Which step it was in is not
 * recorded, so this names what happened instead of guessing the step.
 */
export const interruptedStep = 'interrupted';

/** The running deployments whose runner is certainly gone; `unknown` (another host) stays running. */
export function interruptedAmong(
  running: readonly Deployment[],
  liveness: (runner: ProcessIdentity) => Liveness = livenessOf,
): Deployment[] {
  return running.filter((d) => liveness(d.runner) === 'dead');
}

export function interruptionReason(d: Deployment): string {
  return `the deploying process (pid ${String(d.runner.pid)} on ${d.runner.hostname}) is gone: it ended before the deployment finished`;
}

const listRunning = `
SELECT ${deploymentColumns}
FROM hermes_ops.deployments
WHERE status = 'running'
ORDER BY started_at`;

// `status = 'running'` again: a deployment that finished since it was read is left as it finished.
const failInterrupted = `
UPDATE hermes_ops.deployments
SET status = 'failed', failed_step = $2, failure_reason = $3, ${finishedNow}
WHERE id = $1 AND status = 'running'
RETURNING ${deploymentColumns}`;

/**
 * Marks every running deployment whose deploying process is dead as failed (`interrupted`), and
 * returns them. Its duration ends now: when the process died is not known.
 */
export async function markInterrupted(db: Queryable): Promise<Deployment[]> {
  const { rows } = await db.query<DeploymentRow>(listRunning);
  const marked: Deployment[] = [];
  for (const d of interruptedAmong(rows.map(toDeployment))) {
    const updated = await db.query<DeploymentRow>(failInterrupted, [
      d.id,
      interruptedStep,
      interruptionReason(d),
    ]);
    marked.push(...updated.rows.map(toDeployment));
  }
  return marked;
}
