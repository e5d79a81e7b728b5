import type { Queryable } from '../../db/queryable.ts';
import { claimedColumns, type ClaimedRow } from '../claimed-row.ts';

// The circuit breaker's probe: the most overdue pending row, or, when none is due, the one due next
// (`due` false: a failed probe then leaves its schedule alone).
const sql = `
WITH next AS (
  SELECT id, next_attempt_at <= now() AS due FROM hermes_outbox
  WHERE status = 'pending' AND (locked_until IS NULL OR locked_until < now())
  ORDER BY next_attempt_at
  LIMIT 1
  FOR UPDATE SKIP LOCKED
)
UPDATE hermes_outbox o
SET locked_until = now() + make_interval(secs => $1::double precision / 1000), locked_by = $2, updated_at = now()
FROM next, hermes_leads l
WHERE o.id = next.id AND l.lead_id = o.lead_id
RETURNING next.due, ${claimedColumns}`;

export async function claimProbeRow(
  db: Queryable,
  options: { leaseMs: number; workerId: string },
): Promise<ClaimedRow | undefined> {
  const { rows } = await db.query<ClaimedRow>(sql, [options.leaseMs, options.workerId]);
  return rows[0];
}
