import type { Queryable } from '../../db/queryable.ts';
import { deliveryStatusSql, type DeliveryStatus } from '../delivery-status.ts';

export interface DeliveryRow {
  readonly lead_id: string;
  readonly delivery_id: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly next_attempt_at: Date | null;
  readonly last_attempt_at: Date | null;
  readonly last_status_code: number | null;
  readonly last_outcome: string | null;
  readonly last_error: string | null;
  readonly created_at: Date;
  readonly delivered_at: Date | null;
  readonly dead_at: Date | null;
  readonly replay_count: number;
}

export interface ListFilter {
  readonly status?: DeliveryStatus | undefined;
  readonly since?: Date | undefined;
  readonly limit: number;
}

export const deliveryColumns = `
  o.lead_id, o.delivery_id, ${deliveryStatusSql} AS status, o.attempts,
  CASE WHEN o.status = 'pending' THEN o.next_attempt_at END AS next_attempt_at,
  o.last_attempt_at, o.last_status_code, o.last_outcome, o.last_error, o.created_at, o.delivered_at,
  o.dead_at, o.replay_count`;

const sql = `
SELECT ${deliveryColumns}
FROM hermes_outbox o
WHERE ($1::text IS NULL OR ${deliveryStatusSql} = $1)
  AND ($2::timestamptz IS NULL OR o.created_at >= $2)
ORDER BY o.created_at DESC, o.id DESC
LIMIT $3`;

/** The newest outbox rows matching the filter. */
export async function listDeliveries(db: Queryable, filter: ListFilter): Promise<DeliveryRow[]> {
  const { rows } = await db.query<DeliveryRow>(sql, [
    filter.status ?? null,
    filter.since ?? null,
    filter.limit,
  ]);
  return rows;
}
