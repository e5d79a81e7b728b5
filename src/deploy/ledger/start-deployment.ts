import { randomUUID } from 'node:crypto';
import type { Stage } from '../../config/sections/stage.ts';
import { currentProcessIdentity } from '../../db/process-identity.ts';
import type { Queryable } from '../../db/queryable.ts';
import { hermesVersion } from '../../observability/version.ts';
import type { Deployment, DeploymentTarget } from './deployment.ts';
import { deploymentColumns, insertedDeployment, type DeploymentRow } from './deployment-row.ts';
import { liveDeploymentFrom } from './live-deployment.ts';

export interface NewDeployment {
  version: string;
  /** Null when the source is not a git checkout. */
  gitCommit: string | null;
  source: string;
  target: DeploymentTarget;
  /** Stages this deployment does not run (e.g. pre-deploy, for a fresh passing run of the commit). */
  skippedStages?: readonly Stage[];
  /** Required when stages are skipped (the table's check says so too). */
  skipReason?: string | null;
}

// The previous deployment is read in the same statement as the insert: the one live at that instant.
const insertDeployment = `
INSERT INTO hermes_ops.deployments (
  id, version, git_commit, source, previous_deployment_id, target, status, started_at,
  skipped_stages, skip_reason, runner_pid, runner_host, runner_boot_id, runner_pid_namespace,
  runner_start_ticks, hermes_version
) VALUES (
  $1, $2, $3, $4, (SELECT id ${liveDeploymentFrom}), $5, 'running', statement_timestamp(),
  $6, $7, $8, $9, $10, $11, $12, $13
)
RETURNING ${deploymentColumns}`;

/** Records a deployment as `running`, by this process, from now on; returns its row. */
export async function startDeployment(db: Queryable, input: NewDeployment): Promise<Deployment> {
  const runner = currentProcessIdentity();
  const { rows } = await db.query<DeploymentRow>(insertDeployment, [
    randomUUID(),
    input.version,
    input.gitCommit,
    input.source,
    input.target,
    input.skippedStages ?? [],
    input.skipReason ?? null,
    runner.pid,
    runner.hostname,
    runner.bootId,
    runner.pidNamespace,
    runner.startTicks,
    hermesVersion,
  ]);
  return insertedDeployment(rows);
}
