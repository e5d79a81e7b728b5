import type { Queryable } from '../../../../db/queryable.ts';
import type { CorpusMarkers } from './input-corpus.ts';

/**
 * Rows of hermes_leads carrying the corpus's markers: the scan's own only, so that leads people
 * send meanwhile never count.
 */
export async function storedWithMarkers(db: Queryable, markers: CorpusMarkers): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM hermes_leads
     WHERE first_name = $1 OR position(lower($2) IN lower(email)) > 0`,
    [markers.firstName, markers.email],
  );
  return rows[0]?.n ?? 0;
}
