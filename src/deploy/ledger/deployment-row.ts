import type { Deployment } from './deployment.ts';

/**
 * The columns every ledger read and RETURNING selects, named as `Deployment` (the runner's flat).
 * statement_timestamp(): one clock for the times written and read, the database's.
 */
export const deploymentColumns = `
  id, version, git_commit AS "gitCommit", source, previous_deployment_id AS "previousDeploymentId",
  target, release_handle AS "releaseHandle", status, failed_step AS "failedStep",
  failure_reason AS "failureReason", started_at AS "startedAt", finished_at AS "finishedAt",
  duration_ms::float8 AS "durationMs", gates_passed AS "gatesPassed", gates_total AS "gatesTotal",
  backup_name AS "backupName", schema_version_before AS "schemaVersionBefore",
  schema_version_after AS "schemaVersionAfter", skipped_stages AS "skippedStages",
  skip_reason AS "skipReason", rollback_triggered AS "rollbackTriggered",
  rollback_reason AS "rollbackReason", rolled_back_at AS "rolledBackAt", runner_pid AS "runnerPid",
  runner_host AS "runnerHost", runner_boot_id AS "runnerBootId",
  runner_pid_namespace AS "runnerPidNamespace", runner_start_ticks AS "runnerStartTicks",
  hermes_version AS "hermesVersion", statement_timestamp() AS "readAt"`;

export type DeploymentRow = Omit<Deployment, 'runner'> & {
  runnerPid: number;
  runnerHost: string;
  runnerBootId: string | null;
  runnerPidNamespace: string | null;
  runnerStartTicks: string | null;
};

export function toDeployment(row: DeploymentRow): Deployment {
  const { runnerPid, runnerHost, runnerBootId, runnerPidNamespace, runnerStartTicks, ...rest } = row;
  return {
    ...rest,
    runner: {
      pid: runnerPid,
      hostname: runnerHost,
      bootId: runnerBootId,
      pidNamespace: runnerPidNamespace,
      startTicks: runnerStartTicks,
    },
  };
}

/** The one row an INSERT ... RETURNING gives back; none would be a driver's or the database's bug. */
export function insertedDeployment(rows: readonly DeploymentRow[]): Deployment {
  const [row] = rows;
  if (!row) throw new Error('INSERT INTO hermes_ops.deployments returned no row');
  return toDeployment(row);
}
