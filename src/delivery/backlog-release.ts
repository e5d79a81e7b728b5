export interface ReleaseFacts {
  /** This success closed an open or half-open circuit. */
  readonly circuitClosed: boolean;
  /** Failed deliveries in a row before this success. */
  readonly failuresBefore: number;
  /** The success was a probe's. */
  readonly probe: boolean;
  /** Since this worker last released the backlog (Infinity: never). */
  readonly msSinceLastRelease: number;
  /** `delivery.circuitBreaker.maxCooldown`: the least time between two releases outside a circuit close. */
  readonly minIntervalMs: number;
}

/**
 * After a success n8n answered as a working n8n does: should the whole backlog be due now?
 * A success ending a failure streak (or a probe's) means n8n is back, whether or not the failures
 * were enough to open the circuit. Outside a circuit close, at most once per maxCooldown: a
 * flapping n8n (429s between successes) must not run the released rows through their whole
 * schedule in minutes.
 */
export function shouldReleaseBacklog(facts: ReleaseFacts): boolean {
  if (facts.circuitClosed) return true;
  const streakEnded = facts.failuresBefore > 0 || facts.probe;
  return streakEnded && facts.msSinceLastRelease >= facts.minIntervalMs;
}
