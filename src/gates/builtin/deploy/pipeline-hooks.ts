import type { Deployment } from '../../../deploy/ledger/deployment.ts';
import type { Release, ReleaseInfo, Target } from '../../../deploy/target/target.ts';
import type { GateContext } from '../../gate.ts';
import type { DeployStepHooks } from './deploy-step-hooks.ts';

/** What the pipeline's own steps (the pre-deploy check, deploy:api) need beyond the other steps. */
export interface PipelineHooks extends DeployStepHooks {
  /** The deployment's ledger row; null for a step run on its own. */
  deployment(ctx: GateContext): Promise<Deployment | null>;
  target(ctx: GateContext): Promise<Target>;
  /** The release deploy:api prepares and activates. */
  release(ctx: GateContext): Promise<Release>;
  /** Told once the release is prepared, and once it is live, so that a later failure can undo it. */
  prepared(info: ReleaseInfo): void;
  activated(info: ReleaseInfo): void;
}
