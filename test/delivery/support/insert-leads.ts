import { randomInt } from 'node:crypto';
import type { Queryable } from '../../../src/db/queryable.ts';

const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `count` distinct lead references (HS-<date>-<6 characters>) from a random start. */
function leadIds(count: number): string[] {
  const start = randomInt(2 ** 28);
  return Array.from({ length: count }, (_, i) => {
    let n = start + i;
    let suffix = '';
    for (let k = 0; k < 6; k++) {
      suffix = alphabet.charAt(n % 32) + suffix;
      n = Math.floor(n / 32);
    }
    return `HS-20250101-${suffix}`;
  });
}

export interface InsertedLead {
  readonly lead_id: string;
  readonly delivery_id: string;
}

// As the intake does: each lead and its outbox row in one statement (one transaction).
const sql = `
WITH lead AS (
  INSERT INTO hermes_leads (
    lead_id, first_name, last_name, email, country, phone_number, problem_description,
    service_urgency, agree_to_terms, privacy_consent, privacy_policy_version, source
  )
  SELECT id, 'Ada', 'Lovelace', lower(id) || '@example.com', 'GB', '+44 20 7946 0958',
    'Our mail server was breached, please call us back: ' || id, 'urgent', true, true, '2025-01', 'api'
  FROM unnest($1::text[]) AS id
  RETURNING lead_id
)
INSERT INTO hermes_outbox (lead_id) SELECT lead_id FROM lead
RETURNING lead_id, delivery_id`;

/** Commits `count` leads with their outbox rows, as POST /api/contact would. */
export async function insertLeads(db: Queryable, count: number): Promise<InsertedLead[]> {
  const { rows } = await db.query<InsertedLead>(sql, [leadIds(count)]);
  return rows;
}
