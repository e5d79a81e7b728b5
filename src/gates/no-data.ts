import type { HermesConfig } from '../config/schema.ts';
import type { GateOutcome } from './gate.ts';
import { overrideOf } from './gate-policy.ts';

/**
 * For gates that judge rows or metric samples: what to return when there is nothing (or too
 * little) to judge, as set by `gates.noData` / `gates.minSamples` or the gate's override.
 */
export function noDataOutcome(config: Readonly<HermesConfig>, gateId: string, what: string): GateOutcome {
  const status = overrideOf(config, gateId).noData ?? config.gates.noData;
  return { status, summary: `no data: ${what}`, reason: `${what} (no-data policy: ${status})` };
}

/** Undefined when `samples` is enough to judge; else the no-data outcome naming the shortfall. */
export function checkSamples(
  config: Readonly<HermesConfig>,
  gateId: string,
  samples: number,
  what: string,
): GateOutcome | undefined {
  const minimum = overrideOf(config, gateId).minSamples ?? config.gates.minSamples;
  if (samples >= minimum) return undefined;
  return noDataOutcome(config, gateId, `${samples} ${what}, fewer than the ${minimum} needed to judge`);
}
