import type { Queryable } from '../db/queryable.ts';

// A concurrent claim of the same key waits on the primary key until the first one commits or rolls back.
const sql = `
INSERT INTO hermes_idempotency_keys (idempotency_key, request_hash, lead_id, status_code)
VALUES ($1, $2, $3, $4)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING idempotency_key`;

/** True when this request is the first with `key`; false when an earlier one holds it. */
export async function claimIdempotencyKey(
  db: Queryable,
  key: string,
  requestHash: string,
  leadId: string,
  statusCode: number,
): Promise<boolean> {
  const { rowCount } = await db.query(sql, [key, requestHash, leadId, statusCode]);
  return rowCount === 1;
}
