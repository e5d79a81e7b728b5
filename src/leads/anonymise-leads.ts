import type { Queryable } from '../db/queryable.ts';

// Personal fields replaced, the row kept (counts, dates, urgency and country stay for statistics);
// pending deliveries stopped so the anonymised lead is not forwarded.
const anonymise = (where: string) => `
WITH erased AS (
  UPDATE hermes_leads
  SET first_name = '[erased]', last_name = '[erased]', email = 'erased+' || id || '@erased.invalid',
      phone_number = '', problem_description = '', status = 'erased', erased_at = now(), updated_at = now()
  WHERE ${where} AND status <> 'erased'
  RETURNING lead_id
), stopped AS (
  UPDATE hermes_outbox
  SET status = 'dead', last_error = 'lead erased before delivery', updated_at = now()
  WHERE lead_id IN (SELECT lead_id FROM erased) AND status = 'pending'
)
SELECT lead_id FROM erased ORDER BY lead_id`;

const byEmail = anonymise('email = $1');
const olderThan = anonymise(`created_at < now() - make_interval(days => $1)`);

export type AnonymiseScope = { email: string } | { olderThanDays: number };

/** Erases the personal data of the leads in scope (GDPR art. 17, or retention); returns their lead_ids. */
export async function anonymiseLeads(db: Queryable, scope: AnonymiseScope): Promise<string[]> {
  const { rows } = await db.query<{ lead_id: string }>('email' in scope ? byEmail : olderThan, [
    'email' in scope ? scope.email.trim().toLowerCase() : scope.olderThanDays,
  ]);
  return rows.map((row) => row.lead_id);
}
