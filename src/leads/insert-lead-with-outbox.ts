import type { Queryable } from '../db/queryable.ts';
import type { ValidLead } from './lead-schema.ts';

export type LeadSource = 'web-form' | 'api';

export interface LeadToStore {
  readonly lead: ValidLead;
  readonly source: LeadSource;
  readonly privacyPolicyVersion: string;
  /** Set: stored as spam, with no outbox row (never forwarded). */
  readonly spamReason: string | null;
}

// One statement, so one transaction: the lead and its outbox row commit together or not at all.
const sql = `
WITH lead AS (
  INSERT INTO hermes_leads (
    lead_id, first_name, last_name, email, country, phone_number, problem_description,
    service_urgency, agree_to_terms, privacy_consent, privacy_policy_version, source, status, spam_reason
  )
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  RETURNING lead_id, status
)
INSERT INTO hermes_outbox (lead_id)
SELECT lead_id FROM lead WHERE status = 'received'`;

export async function insertLeadWithOutbox(db: Queryable, leadId: string, row: LeadToStore): Promise<void> {
  const { lead } = row;
  await db.query(sql, [
    leadId,
    lead.first_name,
    lead.last_name,
    lead.email,
    lead.country,
    lead.phone_number,
    lead.problem_description,
    lead.service_urgency,
    lead.agree_to_terms,
    lead.privacy_consent,
    row.privacyPolicyVersion,
    row.source,
    row.spamReason === null ? 'received' : 'spam',
    row.spamReason,
  ]);
}
