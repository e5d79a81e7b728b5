import type { Evidence, GateOutcome } from '../../gate.ts';
import { errorOutcome } from '../support/outcome.ts';
import type { WindowRun } from './sample-window.ts';

/** The probe's answers by status, when it ran. */
export function probeEvidence(window: WindowRun): Evidence[] {
  if (!window.probe) return [];
  return [
    {
      kind: 'rows',
      title: `the probe's ${String(window.probe.sent)} requests by status`,
      content: Object.entries(window.probe.statuses).map(([status, count]) => ({ status, count })),
    },
  ];
}

/** Fewer than two readings: nothing to compute a delta from, which is no judgement. */
export function windowFailure(window: WindowRun): GateOutcome {
  return errorOutcome(
    `${String(window.scrapes.length)} readings of ${window.source} in the window: no deltas to judge`,
    `${String(window.failures)} reads of ${window.source} failed${window.lastFailure ? `; last: ${window.lastFailure}` : ''}`,
  );
}
