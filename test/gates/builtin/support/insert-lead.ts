import type { Queryable } from '../../../../src/db/queryable.ts';

export interface TestLead {
  leadId: string;
  email?: string | null;
  /** 'api' (the column's default) unless a test needs another: 'deployment-test' is synthetic. */
  source?: string;
  privacyConsent?: boolean;
  gdprCompliant?: boolean;
}

const insertSql = `INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
  problem_description, service_urgency, agree_to_terms, privacy_consent, gdpr_compliant, source)
VALUES ($1, 'Ada', 'Lovelace', $2, 'United Kingdom', '+44 7700 900123', 'Post-deploy test', 'soon', TRUE, $3, $4, $5)`;

/** One lead in hermes_leads with the fields a test varies; the rest fixed and valid. */
export async function insertLead(db: Queryable, lead: TestLead): Promise<void> {
  await db.query(insertSql, [
    lead.leadId,
    lead.email === undefined ? `${lead.leadId.toLowerCase()}@example.test` : lead.email,
    lead.privacyConsent ?? true,
    lead.gdprCompliant ?? true,
    lead.source ?? 'api',
  ]);
}

/** A few real (source api) leads, as a live database holds. */
export async function insertRealLeads(db: Queryable, count = 3): Promise<void> {
  for (let i = 1; i <= count; i++) await insertLead(db, { leadId: `HS-20250101-REAL0${i}` });
}
