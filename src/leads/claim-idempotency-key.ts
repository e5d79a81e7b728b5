import type { Queryable } from '../db/queryable.ts';

// A concurrent claim of the same key waits on the primary key until the first one commits or rolls back.
// A key past its replay window (not purged yet) is taken over, as if it had been purged.
const sql = `
INSERT INTO hermes_idempotency_keys (idempotency_key, request_hash, lead_id, status_code)
VALUES ($1, $2, $3, $4)
ON CONFLICT (idempotency_key) DO UPDATE
  SET request_hash = EXCLUDED.request_hash,
      lead_id = EXCLUDED.lead_id,
      status_code = EXCLUDED.status_code,
      created_at = now()
  WHERE hermes_idempotency_keys.created_at <= now() - make_interval(hours => $5)
RETURNING idempotency_key`;

/** True when this request is the first with `key` in its replay window; false when an earlier one holds it. */
export async function claimIdempotencyKey(
  db: Queryable,
  key: string,
  requestHash: string,
  leadId: string,
  statusCode: number,
  ttlHours: number,
): Promise<boolean> {
  const { rowCount } = await db.query(sql, [key, requestHash, leadId, statusCode, ttlHours]);
  return rowCount === 1;
}
