import type { Queryable } from '../../../../db/queryable.ts';

/** The measurement judgeAuth records: the refused requests one scan spent of its address's budget. */
export const refusedMeasurement = 'admin requests refused';

const select = `
SELECT coalesce(sum((m->>'value')::numeric), 0)::int AS refused, min(r.started_at) AS since
FROM hermes_ops.gate_results r
CROSS JOIN LATERAL jsonb_array_elements(r.measurements) AS m
WHERE r.gate_id = 'security.production'
  AND m->>'name' = $1
  AND r.started_at >= now() - make_interval(secs => $2::double precision / 1000)`;

/** What earlier scans spent of the admin guard's refused-attempts budget within its window. */
export interface RecentRefusals {
  refused: number;
  /** When the earliest of those scans started; null when none did. */
  since: Date | null;
}

/**
 * The refused admin requests the recorded security.production scans sent in the last `windowMs`
 * (the guard's window, plus the margin the caller adds): the guard counts them per address for
 * that long, so a second scan inside it must spend only what is left, or lock its address out.
 */
export async function recentRefusals(db: Queryable, windowMs: number): Promise<RecentRefusals> {
  const { rows } = await db.query<{ refused: number; since: Date | null }>(select, [
    refusedMeasurement,
    windowMs,
  ]);
  return { refused: rows[0]?.refused ?? 0, since: rows[0]?.since ?? null };
}
