import type { Deployment } from './deployment.ts';
import type { DeploymentGateRun } from './deployment-gate-runs.ts';
import { toDeploymentMetrics, type DeploymentMetrics } from './deployment-metrics.ts';

/** `hermes deployments show --json`: the metrics, and everything else the ledger knows under `details`. */
export interface DeploymentDetails extends DeploymentMetrics {
  details: {
    gitCommit: string | null;
    source: string;
    previousDeploymentId: string | null;
    releaseHandle: string | null;
    failedStep: string | null;
    failureReason: string | null;
    finishedAt: string | null;
    backupName: string | null;
    schemaVersionBefore: string | null;
    schemaVersionAfter: string | null;
    skippedStages: string[];
    skipReason: string | null;
    rolledBackAt: string | null;
    runner: { pid: number; host: string };
    hermesVersion: string;
    gateRuns: { id: string; stage: string; status: string }[];
  };
}

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

export function toDeploymentDetails(
  d: Deployment,
  gateRuns: readonly DeploymentGateRun[],
): DeploymentDetails {
  return {
    ...toDeploymentMetrics(d),
    details: {
      gitCommit: d.gitCommit,
      source: d.source,
      previousDeploymentId: d.previousDeploymentId,
      releaseHandle: d.releaseHandle,
      failedStep: d.failedStep,
      failureReason: d.failureReason,
      finishedAt: iso(d.finishedAt),
      backupName: d.backupName,
      schemaVersionBefore: d.schemaVersionBefore,
      schemaVersionAfter: d.schemaVersionAfter,
      skippedStages: [...d.skippedStages],
      skipReason: d.skipReason,
      rolledBackAt: iso(d.rolledBackAt),
      runner: { pid: d.runner.pid, host: d.runner.hostname },
      hermesVersion: d.hermesVersion,
      gateRuns: gateRuns.map((r) => ({ id: r.id, stage: r.stage, status: r.status })),
    },
  };
}
