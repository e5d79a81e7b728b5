import { packageVersion } from '../../../migrations/release-of.ts';
import { makeRelease, releaseVersion } from '../../../deploy/release/make-release.ts';
import { openTarget } from '../../../deploy/target/open-target.ts';
import type { GateContext } from '../../gate.ts';
import { gitHead } from '../../history/git-head.ts';
import { releaseUrlOf } from '../support/release-url.ts';
import type { PipelineHooks } from './pipeline-hooks.ts';

async function targetOf(ctx: GateContext) {
  const db = await ctx.database();
  return openTarget(ctx.config.deploy.target, ctx.cwd, ctx.config, { embedded: db.embedded });
}

/**
 * The deploy steps run on their own (`npm run deploy:api`, `hermes gates run deploy --only ...`):
 * the configured target, the production build of the repository, no ledger row to record on.
 * `hermes deploy` gives the steps its deployment instead.
 */
export const standaloneHooks: PipelineHooks = {
  releaseUrl: releaseUrlOf,
  record: () => Promise.resolve(),
  deployment: () => Promise.resolve(null),
  target: targetOf,
  async release(ctx) {
    const version = releaseVersion(packageVersion(ctx.cwd) ?? '0.0.0', await gitHead(ctx.cwd));
    return makeRelease({ cwd: ctx.cwd, config: ctx.config, env: ctx.env, version, deploymentId: null });
  },
  prepared: () => undefined,
  activated: () => undefined,
};
