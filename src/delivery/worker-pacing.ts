/** How much the worker claims and how long it waits: the run loop's arithmetic, kept pure. */

export interface ClaimSlots {
  readonly concurrency: number;
  readonly batchSize: number;
  /** Deliveries in flight now. */
  readonly inflight: number;
  /** From `minimumClaim`. */
  readonly minimum: number;
}

/**
 * The fewest free slots worth a claim: a quarter of the concurrency, within 1..batchSize. A claim
 * per freed slot would cost a round trip per delivery.
 */
export function minimumClaim(concurrency: number, batchSize: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(concurrency / 4)));
}

/** How many rows to claim now; null: too few free slots, wait for deliveries to finish. */
export function claimLimit(slots: ClaimSlots): number | null {
  const free = slots.concurrency - slots.inflight;
  if (free < slots.minimum) return null;
  return Math.min(free, slots.batchSize);
}

export interface IdleFacts {
  /** Rows the last claim returned. */
  readonly claimed: number;
  readonly inflight: number;
  /** Since this worker last sent to n8n (or found nothing to probe with). */
  readonly msSinceContact: number;
  /** `delivery.circuitBreaker.maxCooldown`. */
  readonly intervalMs: number;
}

/**
 * Nothing due and nothing in flight, but rows may wait for a retry hours away: probe n8n once per
 * interval, so its recovery releases them without waiting for new traffic.
 */
export function shouldProbeIdle(facts: IdleFacts): boolean {
  return facts.claimed === 0 && facts.inflight === 0 && facts.msSinceContact >= facts.intervalMs;
}

/** An open circuit sleeps until its probe is due, waking at least every poll interval (and never 0 ms). */
export function openCircuitWaitMs(msUntilProbe: number, pollIntervalMs: number): number {
  return Math.max(1, Math.min(msUntilProbe, pollIntervalMs));
}

export const firstDatabaseBackoffMs = 100;
const maxDatabaseBackoffMs = 5_000;

/** The wait before the next try while the database is unreachable: doubling, up to 5 s. */
export function nextDatabaseBackoffMs(backoffMs: number): number {
  return Math.min(backoffMs * 2, maxDatabaseBackoffMs);
}

const firstWriteRetryMs = 100;
const maxWriteRetryMs = 2_000;

/**
 * After a failed write of an attempt's result: the wait before the next try, or null to give up
 * (not a lost connection, or the lease would end first and another worker may take the row).
 */
export function persistRetryMs(
  previousWaitMs: number | undefined,
  connectionLost: boolean,
  msUntilDeadline: number,
): number | null {
  const waitMs =
    previousWaitMs === undefined ? firstWriteRetryMs : Math.min(previousWaitMs * 2, maxWriteRetryMs);
  return connectionLost && waitMs <= msUntilDeadline ? waitMs : null;
}
