import { describe, expect, it } from 'vitest';
import {
  initialTriggerState,
  stepTrigger,
  type TriggerPolicy,
  type TriggerState,
  type TriggerStep,
} from '../../src/watch/trigger-state.ts';
import type { Verdict } from '../../src/watch/trigger-verdict.ts';

const policy: TriggerPolicy = { for: 2, inconclusiveLimit: 3 };

/** Every step of `verdicts` from the initial state. */
function run(verdicts: readonly Verdict[], rules: TriggerPolicy = policy): TriggerStep[] {
  const steps: TriggerStep[] = [];
  let state: TriggerState = initialTriggerState;
  for (const verdict of verdicts) {
    const step = stepTrigger(state, verdict, rules);
    steps.push(step);
    state = step.state;
  }
  return steps;
}

/** The evaluations (1-based) at which `what` happened. */
const at = (steps: readonly TriggerStep[], what: 'fire' | 'noDataRaised' | 'noDataCleared'): number[] =>
  steps.flatMap((step, i) => (step[what] ? [i + 1] : []));

describe('a rollback trigger over successive evaluations', () => {
  it('never fires without traffic, however long: it warns "no data" once instead', () => {
    const steps = run(Array<Verdict>(50).fill('inconclusive'));
    expect(at(steps, 'fire')).toEqual([]);
    expect(at(steps, 'noDataRaised')).toEqual([3]);
  });

  it('does not fire on a spike shorter than `for`', () => {
    expect(at(run(['breach', 'healthy', 'breach', 'healthy']), 'fire')).toEqual([]);
    expect(at(run(['breach', 'breach', 'healthy'], { ...policy, for: 3 }), 'fire')).toEqual([]);
  });

  it('fires exactly when a sustained breach reaches `for`, and once', () => {
    expect(at(run(['healthy', 'breach', 'breach', 'breach', 'breach']), 'fire')).toEqual([3]);
    expect(at(run(['breach', 'breach', 'breach'], { ...policy, for: 3 }), 'fire')).toEqual([3]);
    expect(at(run(['breach'], { ...policy, for: 1 }), 'fire')).toEqual([1]);
  });

  it('starts over after a healthy evaluation, and may fire again on a new breach', () => {
    const steps = run(['breach', 'healthy', 'breach', 'breach', 'healthy', 'breach', 'breach']);
    expect(at(steps, 'fire')).toEqual([4, 7]);
    expect(steps[4]?.state).toEqual(initialTriggerState);
  });

  it('holds the breach streak through an inconclusive evaluation, without counting it', () => {
    // breach, no data, breach: two breaches in a row as far as anyone can tell.
    expect(at(run(['breach', 'inconclusive', 'breach']), 'fire')).toEqual([3]);
    // No data never completes a streak on its own.
    expect(at(run(['breach', 'inconclusive', 'inconclusive']), 'fire')).toEqual([]);
    expect(run(['breach', 'inconclusive'])[1]?.state.breaches).toBe(1);
  });

  it('drops the held streak once the gap raises the no-data warning', () => {
    const steps = run(['breach', 'inconclusive', 'inconclusive', 'inconclusive', 'breach', 'breach']);
    expect(at(steps, 'noDataRaised')).toEqual([4]);
    expect(at(steps, 'fire')).toEqual([6]);
  });

  it('raises the no-data warning once per streak, and says when data is back', () => {
    const steps = run([
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'healthy',
      'inconclusive',
      'inconclusive',
      'healthy',
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'breach',
    ]);
    expect(at(steps, 'noDataRaised')).toEqual([3, 11]);
    expect(at(steps, 'noDataCleared')).toEqual([5, 12]);
    expect(at(steps, 'fire')).toEqual([]);
  });

  it('counts inconclusive evaluations in a row only: a conclusive one ends the streak', () => {
    const steps = run(['inconclusive', 'inconclusive', 'breach', 'inconclusive', 'inconclusive']);
    expect(at(steps, 'noDataRaised')).toEqual([]);
    expect(steps[2]?.state.inconclusive).toBe(0);
  });
});
