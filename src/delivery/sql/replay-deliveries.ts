import type { Queryable } from '../../db/queryable.ts';

/** Which rows to re-queue: the given leads, or every dead (and with `since`, delivered) row. */
export type ReplaySelection =
  { readonly leadIds: readonly string[] } | { readonly dead: boolean; readonly since?: Date | undefined };

export interface ReplayedRow {
  readonly lead_id: string;
  readonly delivery_id: string;
}

// A row being delivered right now (pending, leased) is left alone: it is already on its way.
// The delivery id is kept, so n8n can tell a replay from a new lead; attempts restart at zero so the
// whole retry schedule applies again (the attempts made stay in hermes_deliveries).
const requeue = `
UPDATE hermes_outbox o
SET status = 'pending', attempts = 0, next_attempt_at = now(), locked_until = NULL, locked_by = NULL,
    delivered_at = NULL, dead_at = NULL, replayed_at = now(), replay_count = o.replay_count + 1,
    updated_at = now()
WHERE NOT (o.status = 'pending' AND coalesce(o.locked_until > now(), false))`;

const byLeadSql = `${requeue} AND o.lead_id = ANY($1::text[]) RETURNING o.lead_id, o.delivery_id`;

const bySelectionSql = `${requeue}
  AND (CASE WHEN $1::boolean THEN o.status = 'dead' ELSE o.status IN ('dead', 'delivered') END)
  AND ($2::timestamptz IS NULL OR o.created_at >= $2)
  -- An erased lead's data is gone; re-sending it would forward a tombstone.
  AND NOT EXISTS (SELECT 1 FROM hermes_leads l WHERE l.lead_id = o.lead_id AND l.status = 'erased')
RETURNING o.lead_id, o.delivery_id`;

/** Re-queues rows and wakes the workers listening; returns the rows re-queued. */
export async function replayDeliveries(db: Queryable, selection: ReplaySelection): Promise<ReplayedRow[]> {
  const { rows } =
    'leadIds' in selection
      ? await db.query<ReplayedRow>(byLeadSql, [selection.leadIds])
      : await db.query<ReplayedRow>(bySelectionSql, [selection.dead, selection.since ?? null]);
  if (rows.length > 0) await db.query("SELECT pg_notify('hermes_outbox', 'replay')");
  return rows;
}
