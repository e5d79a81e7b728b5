import { allGates } from '../../gates/all-gates.ts';
import { deployGates, deploySteps } from '../../gates/builtin/deploy/index.ts';
import type { PipelineHooks } from '../../gates/builtin/deploy/pipeline-hooks.ts';
import type { Gate, Stage } from '../../gates/gate.ts';
import { findPassingRun } from '../../gates/history/find-passing-run.ts';
import { gitClean } from '../../gates/history/git-clean.ts';
import { gitHead } from '../../gates/history/git-head.ts';
import { runAndRecordStage } from '../../gates/run-and-record-stage.ts';
import type { StageRun } from '../../gates/stage-run-result.ts';
import { errorMessage } from '../../errors/error-message.ts';
import { packageVersion } from '../../migrations/release-of.ts';
import type { Deployment } from '../ledger/deployment.ts';
import { finishDeployment } from '../ledger/finish-deployment.ts';
import { getDeployment } from '../ledger/get-deployment.ts';
import { markInterrupted } from '../ledger/mark-interrupted.ts';
import { startDeployment } from '../ledger/start-deployment.ts';
import { updateDeployment } from '../ledger/update-deployment.ts';
import { makeRelease, releaseVersion } from '../release/make-release.ts';
import { openTarget } from '../target/open-target.ts';
import type { ReleaseInfo, Target } from '../target/target.ts';
import { takeDeployLock } from './deploy-lock.ts';
import type { DeployObserver, DeployRequest } from './deploy-request.ts';
import { failedStep, gateTally, missingStep, type StepFailure } from './stage-verdict.ts';

export interface DeployResult {
  deployment: Deployment;
  publicUrl: string;
  failure: StepFailure | null;
  /** After a failure past the switch: whether traffic went back to the previous release. */
  switchedBack: boolean | null;
}

/** The deploy stage as the pipeline runs it: the team's own deploy gates, and the steps bound to this deployment. */
function deployStageGates(request: DeployRequest, hooks: PipelineHooks): Gate[] {
  const builtin = new Set(deployGates().map((gate) => gate.id));
  const others = allGates(request.config).filter((gate) => !builtin.has(gate.id));
  // build.staging belongs to pre-deploy's checks (§5.1), not to what is released.
  return [...others, ...deployGates(hooks).filter((gate) => gate.id !== 'build.staging')];
}

/**
 * `hermes deploy`: records the deployment, runs pre-deploy (or reuses a fresh passing run of the
 * commit), the deploy stage's steps and the post-deploy stage, and finishes the ledger row. A
 * failure stops at its step, leaves the previous release serving (switching back if traffic had
 * moved), and is recorded with the step and its reason.
 */
export async function runDeploy(request: DeployRequest, observer: DeployObserver): Promise<DeployResult> {
  // Refused before the embedded database is opened (created, even): the local target cannot use it.
  if (request.config.database.url === undefined)
    openTarget(request.target, request.source, request.config, { embedded: true });
  const db = await request.openDatabase();
  try {
    const target = openTarget(request.target, request.source, request.config, db);
    await markInterrupted(db.pool);
    const lock = await takeDeployLock(db.pool);
    try {
      return await deployLocked(request, observer, db.pool, target);
    } finally {
      await lock.release();
    }
  } finally {
    await db.close();
  }
}

async function deployLocked(
  request: DeployRequest,
  observer: DeployObserver,
  pool: Parameters<typeof startDeployment>[0],
  target: Target,
): Promise<DeployResult> {
  const commit = await gitHead(request.source);
  const version = request.version ?? releaseVersion(packageVersion(request.source) ?? '0.0.0', commit);
  let deployment = await startDeployment(pool, {
    version,
    gitCommit: commit,
    source: request.source,
    target: target.name,
    skippedStages: request.skip,
    skipReason: request.reason,
  });
  observer.line(`deployment ${deployment.id}: ${version} to ${target.name} (${target.publicUrl})`);
  const release = makeRelease({
    cwd: request.source,
    config: request.config,
    env: request.env,
    version,
    deploymentId: deployment.id,
    given: request.given,
    configFile: request.configFile,
  });
  const moved: { prepared: ReleaseInfo | null; live: ReleaseInfo | null } = { prepared: null, live: null };
  const hooks: PipelineHooks = {
    releaseUrl: () => Promise.resolve(target.publicUrl),
    async record(_ctx, patch) {
      deployment = await updateDeployment(pool, deployment.id, patch);
    },
    deployment: () => Promise.resolve(deployment),
    target: () => Promise.resolve(target),
    release: () => Promise.resolve(release),
    prepared: (info) => void (moved.prepared = info),
    activated: (info) => void (moved.live = info),
  };
  const runs: StageRun[] = [];
  /** Runs and records a stage; the step that stopped it, or null. `required`: steps that must be judged. */
  const runStage = async (stage: Stage, gates: readonly Gate[], required: readonly string[] = []) => {
    const executed = await runAndRecordStage({
      gates,
      config: request.config,
      stage,
      cwd: request.source,
      env: request.env,
      openDatabase: request.openDatabase,
      reports: request.reports,
      onPlan: (plan) => observer.stagePlanned(stage, plan),
      onEvent: (event) => observer.stageEvent(event),
      signal: request.signal,
      deploymentId: deployment.id,
      releaseUrl: target.publicUrl,
    });
    runs.push(executed.run);
    await observer.stageDone(stage, executed);
    const tally = gateTally(runs);
    deployment = await updateDeployment(pool, deployment.id, {
      gatesPassed: tally.passed,
      gatesTotal: tally.total,
    });
    return failedStep(executed.run, deploySteps) ?? missingStep(executed.run, required);
  };
  const fail = async (failure: StepFailure): Promise<DeployResult> => {
    let switchedBack: boolean | null;
    let reason = failure.reason;
    try {
      switchedBack = await undo(target, moved, observer, request.signal);
      if (switchedBack === false)
        reason += ' (the failed release still serves: there is no previous release)';
    } catch (error) {
      switchedBack = false;
      reason += ` (switching back failed: ${errorMessage(error)})`;
    }
    deployment = await finishDeployment(pool, deployment.id, {
      status: 'failed',
      failedStep: failure.step,
      failureReason: reason,
    });
    return { deployment, publicUrl: target.publicUrl, failure: { ...failure, reason }, switchedBack };
  };

  try {
    if (!request.skip.includes('pre-deploy')) {
      const reused = await reusablePreDeploy(request, commit, pool);
      if (reused)
        observer.line(
          `pre-deploy: passed for this commit at ${reused.finishedAt.toISOString()} (run ${reused.id}): not run again`,
        );
      else {
        const failure = await runStage('pre-deploy', allGates(request.config));
        if (failure) return await fail(failure);
      }
    } else observer.line(`pre-deploy: skipped (${request.reason ?? 'no reason'})`);
    const deployFailure = await runStage('deploy', deployStageGates(request, hooks), deploySteps);
    if (deployFailure) return await fail(deployFailure);
    const postFailure = await runStage('post-deploy', allGates(request.config));
    if (postFailure) return await fail(postFailure);
    deployment = await finishDeployment(pool, deployment.id, { status: 'succeeded' });
    return { deployment, publicUrl: target.publicUrl, failure: null, switchedBack: null };
  } catch (error) {
    // Hermes itself failed mid-way (not a gate): the row must not stay `running`.
    const current = await getDeployment(pool, deployment.id);
    if (current.status === 'running') await fail({ step: 'pipeline', reason: errorMessage(error) });
    throw error;
  }
}

/** A passing pre-deploy run of the same commit, young enough, from a clean checkout; else null. */
async function reusablePreDeploy(
  request: DeployRequest,
  commit: string | null,
  pool: Parameters<typeof findPassingRun>[0],
) {
  if (commit === null || (await gitClean(request.source)) !== true) return null;
  const maxAge = request.config.gates.thresholds.deploy.preDeploy.maxAge;
  return findPassingRun(pool, {
    stage: 'pre-deploy',
    gitCommit: commit,
    notBefore: new Date(Date.now() - maxAge),
  });
}

/**
 * After a failed step: traffic back to the previous release if it had moved (true when switched
 * back, false when there was none to go back to), else let the prepared release go (null).
 */
async function undo(
  target: Target,
  moved: { prepared: ReleaseInfo | null; live: ReleaseInfo | null },
  observer: DeployObserver,
  signal: AbortSignal,
): Promise<boolean | null> {
  if (moved.live) {
    if ((await target.previous()) === null) return false;
    const back = await target.rollback(signal);
    observer.line(`switched back to ${back.handle} (${back.version})`);
    // The failed release must never become the one a later switch back goes to.
    await target.discard(moved.live);
    return true;
  }
  if (moved.prepared) await target.discard(moved.prepared);
  return null;
}
