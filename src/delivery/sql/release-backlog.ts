import type { Queryable } from '../../db/queryable.ts';

// After an outage, rows waiting for a later retry become due now: a minute of downtime must not
// delay leads by their next scheduled retry (hours).
const sql = `
UPDATE hermes_outbox SET next_attempt_at = now(), updated_at = now()
WHERE status = 'pending' AND next_attempt_at > now()`;

/** Makes every pending row due at once; returns how many were waiting. */
export async function releaseBacklog(db: Queryable): Promise<number> {
  const { rowCount } = await db.query(sql);
  return rowCount ?? 0;
}
