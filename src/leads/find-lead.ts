import type { Queryable } from '../db/queryable.ts';

export interface StoredLead {
  lead_id: string;
  first_name: string;
  last_name: string;
  email: string;
  country: string;
  phone_number: string;
  problem_description: string;
  service_urgency: string;
  agree_to_terms: boolean;
  privacy_consent: boolean;
  gdpr_compliant: boolean;
  consent_at: Date;
  privacy_policy_version: string | null;
  source: string;
  status: string;
  spam_reason: string | null;
  erased_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const leadColumns = `lead_id, first_name, last_name, email, country, phone_number, problem_description,
  service_urgency, agree_to_terms, privacy_consent, gdpr_compliant, consent_at, privacy_policy_version,
  source, status, spam_reason, erased_at, created_at, updated_at`;

const sql = `SELECT ${leadColumns} FROM hermes_leads WHERE lead_id = $1`;

export async function findLead(db: Queryable, leadId: string): Promise<StoredLead | undefined> {
  const { rows } = await db.query<StoredLead & Record<string, unknown>>(sql, [leadId]);
  return rows[0];
}
