import type { Queryable } from '../db/queryable.ts';

export interface StoredAnswer {
  readonly requestHash: string;
  readonly leadId: string;
  readonly statusCode: number;
}

// A key older than its replay window is forgotten even before the purge removes it.
const sql = `
SELECT request_hash, lead_id, status_code
FROM hermes_idempotency_keys
WHERE idempotency_key = $1
  AND created_at > now() - make_interval(hours => $2)`;

export async function findIdempotencyKey(
  db: Queryable,
  key: string,
  ttlHours: number,
): Promise<StoredAnswer | undefined> {
  const { rows } = await db.query<{ request_hash: string; lead_id: string; status_code: number }>(sql, [
    key,
    ttlHours,
  ]);
  const row = rows[0];
  return row && { requestHash: row.request_hash, leadId: row.lead_id, statusCode: row.status_code };
}
