import type { Queryable } from '../db/queryable.ts';

const sql = `
SELECT count(*)::int AS n FROM hermes_leads
WHERE created_at < now() - make_interval(days => $1) AND status <> 'erased'`;

/** How many leads a retention run would anonymise now. */
export async function countLeadsOlderThan(db: Queryable, days: number): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, [days]);
  return rows[0]?.n ?? 0;
}
