import type { HermesConfig } from '../config/schema.ts';
import type { GateOverride } from '../config/sections/gates.ts';
import type { Gate, GateStatus } from './gate.ts';

/** How the engine treats one gate: its config override merged over the gate's own defaults. */
export interface GatePolicy {
  enabled: boolean;
  advisory: boolean;
  timeoutMs: number;
  errorAs: 'error' | 'warn' | 'fail';
  exclusive: boolean;
  noData: 'pass' | 'warn' | 'fail' | 'error';
}

export function overrideOf(config: Readonly<HermesConfig>, gateId: string): GateOverride {
  return config.gates.overrides[gateId] ?? {};
}

export function gatePolicy(config: Readonly<HermesConfig>, gate: Gate): GatePolicy {
  const override = overrideOf(config, gate.id);
  return {
    enabled: override.enabled ?? true,
    advisory: override.advisory ?? false,
    timeoutMs: override.timeoutMs ?? gate.timeoutMs ?? config.gates.defaultTimeoutMs,
    errorAs: override.errorAs ?? 'error',
    exclusive: override.exclusive ?? gate.exclusive ?? false,
    noData: override.noData ?? config.gates.noData,
  };
}

/** The status that counts: `error` as configured by `errorAs`, then an advisory gate's fail as warn. */
export function effectiveStatus(
  outcome: GateStatus,
  policy: Pick<GatePolicy, 'advisory' | 'errorAs'>,
): GateStatus {
  const status = outcome === 'error' ? policy.errorAs : outcome;
  return policy.advisory && status === 'fail' ? 'warn' : status;
}
