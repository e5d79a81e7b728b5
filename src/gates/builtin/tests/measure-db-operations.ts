import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../../db/queryable.ts';
import { relationExists } from '../../../db/relation-exists.ts';

// The service's own operations on a lead: store it, find it by email, find it by its reference.
const insertSql = `INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
                          problem_description, service_urgency, agree_to_terms, privacy_consent, source)
VALUES ($1, 'Perf', 'Test', $2, 'United Kingdom', '+44 7700 900000', 'Performance test', 'soon', TRUE, TRUE,
        'deployment-test')`;
const byEmailSql = 'SELECT id, lead_id FROM hermes_leads WHERE email = $1';
const byLeadIdSql = 'SELECT id, email FROM hermes_leads WHERE lead_id = $1';

/**
 * The average time (ms) of `iterations` rounds of insert, lookup by email, lookup by lead_id; null
 * when the schema has no hermes_leads. These are Hermes's own lead operations: another project's
 * records table has columns no generic insert can fill, so its service's latency is left to the
 * routes the gate loads.
 */
export async function measureDbOperations(
  db: Queryable,
  iterations: number,
): Promise<{ avgMs: number; operations: number } | null> {
  if (!(await relationExists(db, 'hermes_leads'))) return null;
  let total = 0;
  let operations = 0;
  const timed = async (sql: string, values: unknown[]) => {
    const started = performance.now();
    await db.query(sql, values);
    total += performance.now() - started;
    operations += 1;
  };
  for (let i = 0; i < iterations; i += 1) {
    const leadId = `PERF-${randomBytes(6).toString('hex').toUpperCase()}`;
    const email = `perf-${String(i)}@example.invalid`;
    await timed(insertSql, [leadId, email]);
    await timed(byEmailSql, [email]);
    await timed(byLeadIdSql, [leadId]);
  }
  return { avgMs: total / operations, operations };
}
