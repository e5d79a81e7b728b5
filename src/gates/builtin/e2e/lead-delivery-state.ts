import type { Queryable } from '../../../db/queryable.ts';

/** A lead as the E2E gate finds it after the confirmation: stored as what, and how far its delivery got. */
export interface LeadDeliveryState {
  source: string;
  status: string;
  /** null: the lead has no outbox row (spam is never forwarded). */
  delivery: {
    status: 'pending' | 'delivered' | 'dead';
    attempts: number;
    lastOutcome: string | null;
    lastStatusCode: number | null;
    lastError: string | null;
    nextAttemptAt: Date;
    deliveredAt: Date | null;
  } | null;
  /** From the lead's commit to its delivery (ms), once delivered. */
  deliveredAfterMs: number | null;
}

interface Row {
  source: string;
  status: string;
  delivery_status: 'pending' | 'delivered' | 'dead' | null;
  attempts: number | null;
  last_outcome: string | null;
  last_status_code: string | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  delivered_after_ms: number | null;
}

const sql = `
SELECT l.source, l.status, o.status AS delivery_status, o.attempts, o.last_outcome,
       o.last_status_code::text AS last_status_code, o.last_error, o.next_attempt_at, o.delivered_at,
       (extract(epoch FROM o.delivered_at - l.created_at) * 1000)::float8 AS delivered_after_ms
FROM hermes_leads l LEFT JOIN hermes_outbox o ON o.lead_id = l.lead_id
WHERE l.lead_id = $1 AND l.email = $2`;

/** The lead with this reference and the gate's address, or null when there is none. */
export async function leadDeliveryState(
  db: Queryable,
  leadId: string,
  email: string,
): Promise<LeadDeliveryState | null> {
  const { rows } = await db.query<Row & Record<string, unknown>>(sql, [leadId, email]);
  const [row] = rows;
  if (!row) return null;
  return {
    source: row.source,
    status: row.status,
    delivery:
      row.delivery_status === null || row.next_attempt_at === null
        ? null
        : {
            status: row.delivery_status,
            attempts: row.attempts ?? 0,
            lastOutcome: row.last_outcome,
            lastStatusCode: row.last_status_code === null ? null : Number(row.last_status_code),
            lastError: row.last_error,
            nextAttemptAt: row.next_attempt_at,
            deliveredAt: row.delivered_at,
          },
    deliveredAfterMs: row.delivered_after_ms,
  };
}
