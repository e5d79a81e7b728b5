import type { DeploymentPatch } from '../../../deploy/ledger/update-deployment.ts';
import type { GateContext } from '../../gate.ts';

/**
 * What the deploy stage's step gates ask of the deployment they run for. `hermes deploy` gives
 * them its deployment; a step run on its own (`npm run deploy:api`, `hermes gates run deploy
 * --only ...`) gets the standalone answers: the live release of the configured target, nothing
 * recorded on a ledger row.
 */
export interface DeployStepHooks {
  /** The URL the release under judgement answers on (through the target's public front). */
  releaseUrl(ctx: GateContext): Promise<string>;
  /** Records on the deployment what a step learnt; does nothing when no deployment runs. */
  record(ctx: GateContext, patch: DeploymentPatch): Promise<void>;
}
