import type { Queryable } from '../db/queryable.ts';

export interface StoredAnswer {
  readonly requestHash: string;
  readonly leadId: string;
  readonly statusCode: number;
}

const sql = `
SELECT request_hash, lead_id, status_code
FROM hermes_idempotency_keys
WHERE idempotency_key = $1`;

export async function findIdempotencyKey(db: Queryable, key: string): Promise<StoredAnswer | undefined> {
  const { rows } = await db.query<{ request_hash: string; lead_id: string; status_code: number }>(sql, [key]);
  const row = rows[0];
  return row && { requestHash: row.request_hash, leadId: row.lead_id, statusCode: row.status_code };
}
