import type { DeployStepHooks } from '../../../../../src/gates/builtin/deploy/deploy-step-hooks.ts';

/** The hooks a deploy step gets, pointing at `url` (read when the gate asks); nothing recorded. */
export function hooksFor(url: () => string): DeployStepHooks {
  return { releaseUrl: () => Promise.resolve(url()), record: () => Promise.resolve() };
}
