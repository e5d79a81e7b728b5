import type { Verdict } from './trigger-verdict.ts';

/**
 * One trigger's memory of its evaluations. An inconclusive evaluation neither counts toward `for`
 * nor resets the breach streak: it holds it, because missing data says nothing either way (a
 * scrape that fails between two breaches must not hide a sustained breach, nor make one). The held
 * streak is dropped when the no-data warning is raised: breaches seen before that long a gap are
 * stale, and no data alone must never roll back.
 */
export interface TriggerState {
  /** Breaching evaluations in a row (inconclusive ones between them held, not counted). */
  readonly breaches: number;
  /** Inconclusive evaluations in a row. */
  readonly inconclusive: number;
  /** This breach streak has fired (once per streak). */
  readonly fired: boolean;
  /** This inconclusive streak has raised the no-data warning (once per streak). */
  readonly noData: boolean;
}

export interface TriggerPolicy {
  /** Breaching evaluations in a row that fire the trigger. */
  readonly for: number;
  /** Inconclusive evaluations in a row that raise the no-data warning. */
  readonly inconclusiveLimit: number;
}

export interface TriggerStep {
  readonly state: TriggerState;
  /** This evaluation completes `for` breaches in a row: roll back. */
  readonly fire: boolean;
  /** This evaluation is the `inconclusiveLimit`-th inconclusive in a row: warn "no data". */
  readonly noDataRaised: boolean;
  /** Data is back after a no-data warning. */
  readonly noDataCleared: boolean;
}

export const initialTriggerState: TriggerState = {
  breaches: 0,
  inconclusive: 0,
  fired: false,
  noData: false,
};

/** The state after one more evaluation, and what it calls for. */
export function stepTrigger(state: TriggerState, verdict: Verdict, policy: TriggerPolicy): TriggerStep {
  if (verdict === 'inconclusive') {
    const inconclusive = state.inconclusive + 1;
    const noDataRaised = !state.noData && inconclusive >= policy.inconclusiveLimit;
    const next: TriggerState = noDataRaised
      ? { breaches: 0, inconclusive, fired: false, noData: true }
      : { ...state, inconclusive };
    return { state: next, fire: false, noDataRaised, noDataCleared: false };
  }
  const noDataCleared = state.noData;
  if (verdict === 'healthy')
    return { state: initialTriggerState, fire: false, noDataRaised: false, noDataCleared };
  const breaches = state.breaches + 1;
  const fire = !state.fired && breaches >= policy.for;
  return {
    state: { breaches, inconclusive: 0, fired: state.fired || fire, noData: false },
    fire,
    noDataRaised: false,
    noDataCleared,
  };
}
