import type { AttemptOutcome } from './attempt-outcome.ts';
import { retryDelayMs } from './retry-delay.ts';
import type { AttemptResult } from './sql/finish-attempts.ts';

export interface AttemptFacts {
  readonly outcome: AttemptOutcome;
  /** False: a circuit breaker's probe on a row whose next attempt is not due yet. */
  readonly due: boolean;
  /** This attempt's number (1: the first). */
  readonly attempt: number;
}

export interface RetryPolicy {
  readonly retrySchedule: readonly number[];
  readonly jitter: number;
}

export interface AttemptDecision {
  readonly result: AttemptResult;
  /** For `retry`: the wait before the next attempt; otherwise null. */
  readonly retryInMs: number | null;
}

/**
 * What becomes of the row after an attempt: delivered, retried on the schedule, dead (413 at once,
 * or the schedule used up), or, for a probe on a row not due yet, left on its schedule as it was.
 */
export function decideAttemptResult(
  facts: AttemptFacts,
  policy: RetryPolicy,
  random?: () => number,
): AttemptDecision {
  if (facts.outcome === 'delivered') return { result: 'delivered', retryInMs: null };
  // The same body will be too large next time too.
  if (facts.outcome === 'payload_too_large') return { result: 'dead', retryInMs: null };
  if (!facts.due) return { result: 'probe_failed', retryInMs: null };
  const retryInMs = retryDelayMs(facts.attempt, policy.retrySchedule, policy.jitter, random);
  return retryInMs === null ? { result: 'dead', retryInMs: null } : { result: 'retry', retryInMs };
}
