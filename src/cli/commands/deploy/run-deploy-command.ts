import { HermesError } from '../../../errors/hermes-error.ts';
import { planDeploy, type DeployPlan } from '../../../deploy/pipeline/plan-deploy.ts';
import type { DeployObserver, DeployRequest } from '../../../deploy/pipeline/deploy-request.ts';
import { runDeploy, type DeployResult } from '../../../deploy/pipeline/run-deploy.ts';
import { toDeploymentMetrics } from '../../../deploy/ledger/deployment-metrics.ts';
import { countsText } from '../../../gates/reporters/report-text.ts';
import { formatDuration } from '../../../text/duration.ts';
import type { CliContext } from '../../context.ts';
import type { Output } from '../../output.ts';
import type { GateProgress } from '../gates/gate-progress.ts';
import { chooseProgress } from '../gates/run-command.ts';
import type { DeployCliOptions } from './index.ts';

function printPlan(output: Output, plan: DeployPlan): void {
  output.line(`hermes deploy --dry-run: nothing is changed`);
  output.line(
    `release: ${plan.version}${plan.gitCommit ? ` (commit ${plan.gitCommit})` : ''} from ${plan.source}`,
  );
  output.line(`target: ${plan.target}, public URL ${plan.publicUrl}`);
  output.line(
    `live now: ${plan.live ? `${plan.live.version} (deployment ${plan.live.deploymentId})` : 'nothing'}`,
  );
  output.line(`release environment: ${plan.envNames.join(', ') || 'none'}`);
  plan.steps.forEach((step, index) => {
    output.line();
    output.line(`${String(index + 1)}. ${step.step}`);
    for (const action of step.actions) output.line(`   - ${action}`);
    for (const sql of step.sql ?? []) {
      output.line(`   -- ${sql.name}`);
      for (const line of sql.sql.trim().split('\n')) output.line(`   ${line}`);
    }
  });
}

function resultJson(result: DeployResult) {
  return {
    ...toDeploymentMetrics(result.deployment),
    url: result.publicUrl,
    failedStep: result.failure?.step ?? null,
    failureReason: result.failure?.reason ?? null,
    switchedBack: result.switchedBack,
  };
}

/** `hermes deploy`: the plan with --dry-run, else the pipeline with its progress, stage by stage. */
export async function runDeployCommand(
  ctx: CliContext,
  options: DeployCliOptions,
  source: string,
): Promise<void> {
  const config = ctx.config();
  const cancel = new AbortController();
  const request: DeployRequest = {
    source,
    config,
    configFile: ctx.loaded().file,
    env: process.env,
    version: options.version,
    target: options.target ?? config.deploy.target,
    given: options.env ?? {},
    skip: options.skip === undefined ? [] : [options.skip],
    reason: options.reason ?? null,
    openDatabase: () => ctx.openDatabase(),
    reports:
      options.reports === false
        ? null
        : { dir: config.gates.reports.dir, formats: config.gates.reports.formats },
    signal: cancel.signal,
  };
  if (options.dryRun) {
    const plan = await planDeploy(request);
    ctx.output.result(plan, () => printPlan(ctx.output, plan));
    return;
  }
  // With --json, stdout carries only the result.
  const say = (text: string) => (ctx.output.json ? ctx.output.error(text) : ctx.output.line(text));
  let progress: GateProgress | null = null;
  const observer: DeployObserver = {
    line: say,
    stagePlanned(stage, plan) {
      say(`== ${stage}: ${String(plan.gates.length)} gate${plan.gates.length === 1 ? '' : 's'}`);
      progress = chooseProgress(ctx);
      progress.start(plan);
    },
    stageEvent: (event) => progress?.onEvent(event),
    async stageDone(stage, executed) {
      await progress?.stop();
      progress = null;
      const { run } = executed;
      say(
        `${stage}: ${run.status.toUpperCase()}: ${countsText(run.counts)} (${formatDuration(run.durationMs)})`,
      );
    },
  };
  const onSigint = (): void => cancel.abort();
  process.once('SIGINT', onSigint);
  let result: DeployResult;
  try {
    result = await runDeploy(request, observer);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  const { deployment } = result;
  ctx.output.result(resultJson(result), () => {
    ctx.output.line();
    ctx.output.line(`deployment ${deployment.id}: ${deployment.status}`);
    ctx.output.line(`version: ${deployment.version}`);
    ctx.output.line(`url: ${result.publicUrl}`);
    ctx.output.line(`gates: ${String(deployment.gatesPassed)}/${String(deployment.gatesTotal)} passed`);
  });
  if (result.failure)
    throw new HermesError(
      'deploy_step_failed',
      `deployment ${deployment.id} failed at ${result.failure.step}: ${result.failure.reason}`,
    );
}
