import type { Queryable } from '../db/queryable.ts';
import { syntheticSource } from './synthetic-source.ts';

/**
 * `count` synthetic leads (no real person's data), created_at spread evenly over the past two
 * years so that a one-day range selects about count/730 rows, then ANALYZE so the planner knows.
 */
const insertSql = `
INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
                          problem_description, service_urgency, agree_to_terms, privacy_consent,
                          source, created_at, updated_at)
SELECT 'HS-SYNTH-' || lpad(i::text, 8, '0'), 'Synthetic', 'Lead', 'lead' || i || '@example.invalid',
       'United Kingdom', '+44 7700 900000', 'Synthetic lead for query-plan checks',
       (ARRAY['emergency', 'urgent', 'soon', 'not-urgent'])[1 + i % 4], TRUE, TRUE, $2,
       now() - make_interval(secs => i * (63072000.0 / $1::int)),
       now() - make_interval(secs => i * (63072000.0 / $1::int))
  FROM generate_series(1, $1::int) AS i`;

export async function insertSyntheticLeads(db: Queryable, count: number): Promise<void> {
  if (count > 0) await db.query(insertSql, [count, syntheticSource]);
  await db.query('ANALYZE hermes_leads');
}
