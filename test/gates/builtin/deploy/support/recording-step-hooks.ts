import type { DeploymentPatch } from '../../../../../src/deploy/ledger/update-deployment.ts';
import type { DeployStepHooks } from '../../../../../src/gates/builtin/deploy/deploy-step-hooks.ts';

export interface RecordingHooks extends DeployStepHooks {
  /** Every patch a step recorded, in order. */
  readonly patches: DeploymentPatch[];
}

/** Step hooks as a deployment gives them, keeping what the step records; no release URL. */
export function recordingHooks(): RecordingHooks {
  const patches: DeploymentPatch[] = [];
  return {
    patches,
    releaseUrl: () => Promise.reject(new Error('this step asks for no release URL')),
    record: (_ctx, patch) => {
      patches.push(patch);
      return Promise.resolve();
    },
  };
}
