/**
 * The wait before the next attempt after `failedAttempts` failures, from the schedule, randomised
 * by ±`jitter` so the retries of leads that failed together do not arrive together. `null`: the
 * schedule is used up (dead letter).
 */
export function retryDelayMs(
  failedAttempts: number,
  schedule: readonly number[],
  jitter: number,
  random: () => number = Math.random,
): number | null {
  const base = schedule[failedAttempts - 1];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}
