import type { Queryable } from '../../db/queryable.ts';

/** Which of `leadIds` have an outbox row (spam leads never get one). */
export async function findOutboxLeads(db: Queryable, leadIds: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ lead_id: string }>(
    'SELECT lead_id FROM hermes_outbox WHERE lead_id = ANY($1::text[])',
    [leadIds],
  );
  return new Set(rows.map((r) => r.lead_id));
}
