import type { Queryable } from '../../db/queryable.ts';

export interface ReplayedRow {
  readonly lead_id: string;
  readonly delivery_id: string;
}

// Which rows may be sent again is decided before (decide-replay.ts); these guards still hold here,
// whatever changed since: a row being delivered right now (pending, leased) is left alone, and an
// erased lead's data is gone (re-sending it would forward a tombstone).
// The delivery id is kept, so n8n can tell a replay from a new lead; attempts restart at zero so the
// whole retry schedule applies again (the attempts made stay in hermes_deliveries).
const sql = `
UPDATE hermes_outbox o
SET status = 'pending', attempts = 0, next_attempt_at = now(), locked_until = NULL, locked_by = NULL,
    delivered_at = NULL, dead_at = NULL, replayed_at = now(), replay_count = o.replay_count + 1,
    updated_at = now()
WHERE o.lead_id = ANY($1::text[])
  AND NOT (o.status = 'pending' AND coalesce(o.locked_until > now(), false))
  AND NOT EXISTS (SELECT 1 FROM hermes_leads l WHERE l.lead_id = o.lead_id AND l.erased_at IS NOT NULL)
RETURNING o.lead_id, o.delivery_id`;

/** Re-queues the rows of `leadIds` and wakes the workers listening; returns the rows re-queued. */
export async function replayDeliveries(db: Queryable, leadIds: readonly string[]): Promise<ReplayedRow[]> {
  if (leadIds.length === 0) return [];
  const { rows } = await db.query<ReplayedRow>(sql, [leadIds]);
  if (rows.length > 0) await db.query("SELECT pg_notify('hermes_outbox', 'replay')");
  return rows;
}
