import type { HermesConfig } from '../config/schema.ts';
import type { GateOutcome } from './gate.ts';
import { overrideOf } from './gate-policy.ts';

/**
 * For gates that judge rows or metric samples: what to return when there is nothing to judge, as
 * set by `gates.noData` or the gate's override.
 */
export function noDataOutcome(config: Readonly<HermesConfig>, gateId: string, what: string): GateOutcome {
  const status = overrideOf(config, gateId).noData ?? config.gates.noData;
  return { status, summary: `no data: ${what}`, reason: `${what} (no-data policy: ${status})` };
}
