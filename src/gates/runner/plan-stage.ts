import type { HermesConfig } from '../../config/schema.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { Gate, Stage } from '../gate.ts';
import { gatePolicy, type GatePolicy } from '../gate-policy.ts';
import { validateGates } from './validate-gates.ts';

export interface PlannedGate {
  gate: Gate;
  policy: GatePolicy;
  /** Dependencies that are part of this run (others are not waited for). */
  dependsOn: string[];
}

export interface StagePlan {
  stage: Stage;
  /** In declaration order; the runner starts them in this order as they become ready. */
  gates: PlannedGate[];
  /** Disabled by `gates.overrides.<id>.enabled: false`: reported as skipped, never run. */
  disabled: PlannedGate[];
  only: string[] | null;
}

/**
 * The gates of `stage` (or only those named), with their policies. Invalid gate definitions,
 * unknown ids or ids of another stage mean Hermes cannot run: exit 2.
 */
export function planStage(
  gates: readonly Gate[],
  config: Readonly<HermesConfig>,
  options: { stage: Stage; only?: readonly string[] | undefined },
): StagePlan {
  const problems = validateGates(gates, config);
  if (problems.length > 0)
    throw new HermesError('gates_invalid', 'the gates are not valid as configured', { details: problems });

  const only = options.only && options.only.length > 0 ? [...new Set(options.only)] : null;
  if (only) {
    const byId = new Map(gates.map((gate) => [gate.id, gate]));
    const wrong = only.flatMap((id) => {
      const gate = byId.get(id);
      if (!gate) return [`--only ${id}: no such gate (see hermes gates list)`];
      return gate.stage === options.stage
        ? []
        : [`--only ${id}: runs in stage ${gate.stage}, not ${options.stage}`];
    });
    if (wrong.length > 0)
      throw new HermesError('gates_unknown', `cannot run the gates asked for`, { details: wrong });
  }

  const selected = gates
    .filter((gate) => gate.stage === options.stage && (only === null || only.includes(gate.id)))
    .map((gate) => ({ gate, policy: gatePolicy(config, gate) }));
  const running = new Set(selected.filter((s) => s.policy.enabled).map((s) => s.gate.id));
  const planned = selected.map(({ gate, policy }) => ({
    gate,
    policy,
    dependsOn: (gate.dependsOn ?? []).filter((dep) => running.has(dep)),
  }));
  return {
    stage: options.stage,
    gates: planned.filter((p) => p.policy.enabled),
    disabled: planned.filter((p) => !p.policy.enabled),
    only,
  };
}
