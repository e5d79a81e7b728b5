import { formatDuration } from '../../../text/duration.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { findPassingRun } from '../../history/find-passing-run.ts';
import { gitClean } from '../../history/git-clean.ts';
import { gitHead } from '../../history/git-head.ts';
import { thrownOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import type { PipelineHooks } from './pipeline-hooks.ts';

const ranFor = `
SELECT id FROM hermes_ops.gate_runs
WHERE deployment_id = $1 AND stage = 'pre-deploy' AND status = 'passed'
ORDER BY started_at DESC LIMIT 1`;

/**
 * The deployment's first step: the pre-deploy stage passed for what is deployed, in this
 * deployment, or in a recorded run of the same commit young enough (from a clean checkout only:
 * a run for a commit says nothing of changes it does not hold).
 */
export function preDeployPassedGate(hooks: PipelineHooks): Gate {
  return {
    id: 'deploy.pre-deploy',
    stage: 'deploy',
    title: 'Pre-deployment gates passed',
    description:
      'The pre-deploy stage passed for this deployment, or a recorded passing run of it exists for the same git commit, younger than `maxAge`, and the checkout has no uncommitted change. A warning, with the reason, when the deployment skips the pre-deploy stage (`hermes deploy --skip pre-deploy --reason R`).',
    spec: '§5.1',
    thresholds: (config) =>
      describeThresholds(config, 'deploy', 'preDeploy', {
        maxAge: 'how old a recorded passing run of the same commit may be (ms)',
      }),
    async run(ctx): Promise<GateOutcome> {
      try {
        const deployment = await hooks.deployment(ctx);
        // A warning, not a skip: the later steps run, and every report shows the skip and its reason.
        if (deployment?.skippedStages.includes('pre-deploy'))
          return {
            status: 'warn',
            summary: `pre-deploy skipped by --skip pre-deploy: ${deployment.skipReason ?? 'no reason given'}`,
          };
        const db = await ctx.database();
        if (deployment) {
          const { rows } = await db.pool.query<{ id: string }>(ranFor, [deployment.id]);
          if (rows[0])
            return {
              status: 'pass',
              summary: `the pre-deploy stage passed in this deployment (run ${rows[0].id})`,
            };
        }
        const commit = await gitHead(ctx.cwd);
        if (commit === null)
          return {
            status: 'fail',
            summary: 'no passing pre-deploy run: the source is not a git checkout, so none can be matched',
          };
        const { maxAge } = gateThresholds(ctx.config).deploy.preDeploy;
        const run = await findPassingRun(db.pool, {
          stage: 'pre-deploy',
          gitCommit: commit,
          notBefore: new Date(Date.now() - maxAge),
        });
        if (run === null)
          return {
            status: 'fail',
            summary: `no passing pre-deploy run of ${commit.slice(0, 12)} in the last ${formatDuration(maxAge)}`,
          };
        if ((await gitClean(ctx.cwd)) !== true)
          return {
            status: 'fail',
            summary: `the checkout has uncommitted changes: the passing run of ${commit.slice(0, 12)} does not cover them`,
          };
        return {
          status: 'pass',
          summary: `pre-deploy passed for ${commit.slice(0, 12)} at ${run.finishedAt.toISOString()} (run ${run.id})`,
        };
      } catch (error) {
        return thrownOutcome('cannot tell whether the pre-deploy stage passed', error);
      }
    },
  };
}
