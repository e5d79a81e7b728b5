import type { Queryable } from '../db/queryable.ts';

const sql = `DELETE FROM hermes_idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`;

/** Forgets Idempotency-Keys older than their replay window; returns how many. */
export async function purgeIdempotencyKeys(db: Queryable, olderThanHours: number): Promise<number> {
  const { rowCount } = await db.query(sql, [olderThanHours]);
  return rowCount ?? 0;
}
