import type { Queryable } from '../../db/queryable.ts';

export interface AdminRefusalCount {
  /** See `clientOf`: an IPv4 address or an IPv6 /64; never the presented key. */
  readonly client: string;
  readonly windowStart: Date;
  readonly attempts: number;
  /** Of `attempts`, how many were refused at the limit (the key was not even looked at). */
  readonly rateLimited: number;
}

// One row per client and window, however many refusals: the counts are added up in place.
const sql = `
INSERT INTO hermes_ops.admin_refusals AS r (client, window_start, attempts, rate_limited)
VALUES ($1, $2, $3, $4)
ON CONFLICT (client, window_start) DO UPDATE
SET attempts = r.attempts + EXCLUDED.attempts,
    rate_limited = r.rate_limited + EXCLUDED.rate_limited,
    last_at = now()`;

export async function recordAdminRefusals(db: Queryable, count: AdminRefusalCount): Promise<void> {
  await db.query(sql, [count.client, count.windowStart, count.attempts, count.rateLimited]);
}
