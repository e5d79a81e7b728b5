import type { StagePlan } from './plan-stage.ts';

export interface EmptyPlan {
  message: string;
  details: string[];
}

/**
 * Why a plan would judge nothing (its stage has no gate, or every gate selected is disabled), or
 * null when it runs at least one gate. Such a run must not pass: a green stage would vouch for
 * checks nobody made.
 */
export function emptyPlan(plan: StagePlan): EmptyPlan | null {
  if (plan.gates.length > 0) return null;
  const { stage, only, disabled } = plan;
  const listed = `\`hermes gates list --stage ${stage}\``;
  if (disabled.length === 0)
    return {
      message: `stage ${stage} has no gate to run: nothing would be judged, so it cannot pass`,
      details: [
        `no gate is defined for stage ${stage}: ${listed} lists none`,
        `add one to gates.custom with stage: ${stage} (\`hermes gates validate\` checks it)`,
      ],
    };
  const ids = disabled.map((p) => p.gate.id);
  const what = only ? 'every gate --only selected' : 'every gate of the stage';
  return {
    message: `${what} is disabled: nothing would be judged, so stage ${stage} cannot pass`,
    details: [
      `disabled by gates.overrides.<id>.enabled: false: ${ids.join(', ')}`,
      `${listed} shows them as [disabled]; enable one, or select an enabled gate`,
    ],
  };
}
