import type { Queryable } from '../../db/queryable.ts';
import type { AttemptOutcome } from '../attempt-outcome.ts';

/** What the worker decided after an attempt. */
export type AttemptResult = 'delivered' | 'retry' | 'dead' | 'probe_failed';

export interface FinishedAttempt {
  readonly outboxId: number;
  readonly deliveryId: string;
  readonly attempt: number;
  readonly probe: boolean;
  readonly workerId: string;
  readonly attemptedAt: Date;
  readonly latencyMs: number;
  readonly statusCode: number | null;
  readonly outcome: AttemptOutcome;
  readonly result: AttemptResult;
  readonly error: string | null;
  readonly responseExcerpt: string | null;
  /** For `retry`: the wait before the next attempt. */
  readonly retryInMs: number | null;
}

// One statement records a batch of attempts and moves their rows on. A failure is written only by
// the lease's holder (another worker may have taken an expired lease); a success is written whoever
// holds it. A probe_failed attempt leaves the row's attempts and schedule as they were.
const sql = `
WITH input AS (
  SELECT t.*,
    CASE WHEN t.result = 'retry' THEN now() + make_interval(secs => t.retry_in_ms / 1000) END AS next_attempt_at
  FROM unnest($1::bigint[], $2::uuid[], $3::bigint[], $4::boolean[], $5::text[], $6::timestamptz[],
    $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::text[], $13::float8[])
    AS t(outbox_id, delivery_id, attempt, probe, worker_id, attempted_at, latency_ms, status_code,
      outcome, result, error, response_excerpt, retry_in_ms)
), attempts AS (
  INSERT INTO hermes_deliveries (
    outbox_id, delivery_id, attempt, probe, worker_id, attempted_at, latency_ms, status_code,
    outcome, result, error, response_excerpt, next_attempt_at
  )
  SELECT outbox_id, delivery_id, attempt, probe, worker_id, attempted_at, latency_ms, status_code,
    outcome, result, error, response_excerpt, next_attempt_at
  FROM input
)
UPDATE hermes_outbox o
SET status = CASE i.result WHEN 'delivered' THEN 'delivered' WHEN 'dead' THEN 'dead' ELSE 'pending' END,
    attempts = CASE WHEN i.result = 'probe_failed' THEN o.attempts ELSE o.attempts + 1 END,
    next_attempt_at = coalesce(i.next_attempt_at, o.next_attempt_at),
    locked_until = NULL,
    locked_by = NULL,
    last_attempt_at = i.attempted_at,
    last_status_code = i.status_code,
    last_outcome = i.outcome,
    last_error = i.error,
    delivered_at = CASE WHEN i.result = 'delivered' THEN now() ELSE o.delivered_at END,
    dead_at = CASE WHEN i.result = 'dead' THEN now() ELSE o.dead_at END,
    updated_at = now()
FROM input i
WHERE o.id = i.outbox_id AND o.status = 'pending' AND (i.result = 'delivered' OR o.locked_by = i.worker_id)`;

/** Records attempts (one statement, however many). */
export async function finishAttempts(db: Queryable, attempts: readonly FinishedAttempt[]): Promise<void> {
  const column = <T>(pick: (a: FinishedAttempt) => T) => attempts.map(pick);
  await db.query(sql, [
    column((a) => a.outboxId),
    column((a) => a.deliveryId),
    column((a) => a.attempt),
    column((a) => a.probe),
    column((a) => a.workerId),
    column((a) => a.attemptedAt),
    column((a) => a.latencyMs),
    column((a) => a.statusCode),
    column((a) => a.outcome),
    column((a) => a.result),
    column((a) => a.error),
    column((a) => a.responseExcerpt),
    column((a) => a.retryInMs ?? 0),
  ]);
}
