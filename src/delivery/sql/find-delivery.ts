import type { Queryable } from '../../db/queryable.ts';
import { deliveryColumns, type DeliveryRow } from './list-deliveries.ts';

export interface AttemptRow {
  readonly attempt: number;
  readonly probe: boolean;
  readonly attempted_at: Date;
  readonly worker_id: string;
  readonly latency_ms: number;
  readonly status_code: number | null;
  readonly outcome: string;
  readonly result: string;
  readonly error: string | null;
  readonly response_excerpt: string | null;
  readonly next_attempt_at: Date | null;
}

export interface DeliveryDetail extends DeliveryRow {
  readonly attempts_log: AttemptRow[];
}

const rowSql = `SELECT o.id, ${deliveryColumns} FROM hermes_outbox o WHERE o.lead_id = $1`;

const attemptsSql = `
SELECT attempt, probe, attempted_at, worker_id, latency_ms, status_code, outcome, result, error,
  response_excerpt, next_attempt_at
FROM hermes_deliveries WHERE outbox_id = $1
ORDER BY attempted_at, id`;

/** A lead's delivery and every attempt made, oldest first; undefined when it has no outbox row. */
export async function findDelivery(db: Queryable, leadId: string): Promise<DeliveryDetail | undefined> {
  const { rows } = await db.query<DeliveryRow & { id: number }>(rowSql, [leadId]);
  const found = rows[0];
  if (!found) return undefined;
  const { id, ...row } = found;
  const attempts = await db.query<AttemptRow>(attemptsSql, [id]);
  return { ...row, attempts_log: attempts.rows };
}
