import type { GateOutcome, Measurement } from '../../../src/gates/gate.ts';

/**
 * The measurements an outcome judged against a threshold, without their unit: what a test pins to
 * prove the comparison (a status alone passes with the comparison inverted).
 */
export function judged(outcome: GateOutcome): Omit<Measurement, 'unit'>[] {
  return (outcome.measurements ?? [])
    .filter((m) => m.threshold !== undefined)
    .map(({ name, value, threshold, comparison, passed }) => ({
      name,
      value,
      threshold,
      comparison,
      passed,
    }));
}
