import type { Stage } from '../../config/sections/stage.ts';
import type { ProcessIdentity } from '../../db/process-identity.ts';

/** Where a release runs (DESIGN.md "A target"); the ledger's check constraint holds the same list. */
export const deploymentTargets = ['local', 'command', 'vercel'] as const;
export type DeploymentTarget = (typeof deploymentTargets)[number];

export const deploymentStatuses = ['running', 'succeeded', 'failed', 'rolled_back'] as const;
export type DeploymentStatus = (typeof deploymentStatuses)[number];

/** One row of hermes_ops.deployments. */
export interface Deployment {
  id: string;
  version: string;
  /** Null when the source is not a git checkout. */
  gitCommit: string | null;
  /** The source directory the release was built from. */
  source: string;
  /** The deployment that was live when this one started; null for the first. */
  previousDeploymentId: string | null;
  target: DeploymentTarget;
  /** What the target calls the release (`blue`, a Vercel deployment id). */
  releaseHandle: string | null;
  status: DeploymentStatus;
  failedStep: string | null;
  failureReason: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  /** Set when it finished; a running deployment's time so far is measured to `readAt`. */
  durationMs: number | null;
  gatesPassed: number;
  gatesTotal: number;
  backupName: string | null;
  schemaVersionBefore: string | null;
  schemaVersionAfter: string | null;
  skippedStages: Stage[];
  skipReason: string | null;
  rollbackTriggered: boolean;
  rollbackReason: string | null;
  rolledBackAt: Date | null;
  /** The deploying process, to tell later whether a `running` row still has one. */
  runner: ProcessIdentity;
  hermesVersion: string;
  /** The database's clock when the row was read (the clock every time here is on). */
  readAt: Date;
}
