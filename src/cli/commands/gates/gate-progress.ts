import type { StagePlan } from '../../../gates/runner/plan-stage.ts';
import type { RunEvent } from '../../../gates/runner/run-planned-gates.ts';

/** How a stage run is shown while it runs: live on a terminal, line by line elsewhere. */
export interface GateProgress {
  start(plan: StagePlan): void;
  onEvent(event: RunEvent): void;
  /** Resolves when the display has finished drawing. */
  stop(): Promise<void>;
}
