import type { Deployment, DeploymentStatus, DeploymentTarget } from './deployment.ts';

/**
 * The spec's DeploymentMetrics (§6.1.1) as JSON, plus what a reader needs to tell deployments
 * apart. `rollbackReason` is optional there, so it is absent, not null, when there is none.
 */
export interface DeploymentMetrics {
  deploymentId: string;
  /** When it started, ISO 8601. */
  timestamp: string;
  /** Milliseconds; for a running deployment, the time so far when it was read. */
  duration: number;
  success: boolean;
  qualityGatesPassed: number;
  qualityGatesTotal: number;
  rollbackTriggered: boolean;
  rollbackReason?: string;
  version: string;
  status: DeploymentStatus;
  target: DeploymentTarget;
}

/** Milliseconds it took, or has taken so far (both times from the database's clock). */
export function deploymentDuration(d: Deployment): number {
  return d.durationMs ?? Math.max(0, d.readAt.getTime() - d.startedAt.getTime());
}

export function toDeploymentMetrics(d: Deployment): DeploymentMetrics {
  return {
    deploymentId: d.id,
    timestamp: d.startedAt.toISOString(),
    duration: deploymentDuration(d),
    success: d.status === 'succeeded',
    qualityGatesPassed: d.gatesPassed,
    qualityGatesTotal: d.gatesTotal,
    rollbackTriggered: d.rollbackTriggered,
    ...(d.rollbackReason === null ? {} : { rollbackReason: d.rollbackReason }),
    version: d.version,
    status: d.status,
    target: d.target,
  };
}
