import type { Queryable } from '../../db/queryable.ts';

export interface OutboxBacklog {
  readonly pending: number;
  /** Seconds the oldest pending row has waited (since it was written or last replayed); 0 when none. */
  readonly oldest_pending_age_s: number;
  readonly dead: number;
}

const sql = `
SELECT
  count(*) FILTER (WHERE status = 'pending') AS pending,
  coalesce(extract(epoch FROM now() - min(coalesce(replayed_at, created_at)) FILTER (WHERE status = 'pending')), 0)::float8
    AS oldest_pending_age_s,
  count(*) FILTER (WHERE status = 'dead') AS dead
FROM hermes_outbox
WHERE status IN ('pending', 'dead')`;

export async function outboxBacklog(db: Queryable): Promise<OutboxBacklog> {
  const { rows } = await db.query<OutboxBacklog>(sql);
  return rows[0] ?? { pending: 0, oldest_pending_age_s: 0, dead: 0 };
}
