import type { Queryable } from '../../db/queryable.ts';
import { claimedColumns, type ClaimedRow } from '../claimed-row.ts';

export interface ClaimOptions {
  readonly limit: number;
  readonly leaseMs: number;
  readonly workerId: string;
}

// One auto-committed statement: rows are leased, not held under a transaction while n8n is called.
// SKIP LOCKED lets several workers claim at once without waiting on, or taking, each other's rows;
// an expired lease (a crashed worker) makes a row claimable again.
const sql = `
WITH due AS (
  SELECT id FROM hermes_outbox
  WHERE status = 'pending' AND next_attempt_at <= now()
    AND (locked_until IS NULL OR locked_until < now())
  ORDER BY next_attempt_at
  LIMIT $1
  FOR UPDATE SKIP LOCKED
)
UPDATE hermes_outbox o
SET locked_until = now() + make_interval(secs => $2::double precision / 1000), locked_by = $3, updated_at = now()
FROM due, hermes_leads l
WHERE o.id = due.id AND l.lead_id = o.lead_id
RETURNING true AS due, ${claimedColumns}`;

/** Leases up to `limit` due rows, oldest schedule first. */
export async function claimDueRows(db: Queryable, options: ClaimOptions): Promise<ClaimedRow[]> {
  const { rows } = await db.query<ClaimedRow>(sql, [options.limit, options.leaseMs, options.workerId]);
  return rows;
}
