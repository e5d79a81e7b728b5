import { openTarget } from '../../../deploy/target/open-target.ts';
import type { GateContext } from '../../gate.ts';

/**
 * The public URL of the release a gate judges: the one given (`gates run --url`, the deployment's
 * in `hermes deploy`), else the configured target's (`deploy.local.port`, `deploy.command.publicUrl`).
 * Throws a HermesError when neither can be had (the local target on the embedded database).
 */
export async function releaseUrlOf(ctx: GateContext): Promise<string> {
  if (ctx.releaseUrl !== undefined) return ctx.releaseUrl;
  const db = await ctx.database();
  return openTarget(ctx.config.deploy.target, ctx.cwd, ctx.config, { embedded: db.embedded }).publicUrl;
}
