import type { ClaimedRow } from './claimed-row.ts';

/** The JSON body n8n receives: flat, snake_case, the same for every attempt of one delivery. */
export interface LeadPayload {
  readonly event: string;
  readonly delivery_id: string;
  readonly lead_id: string;
  readonly first_name: string;
  readonly last_name: string;
  readonly email: string;
  readonly country: string;
  readonly phone_number: string;
  readonly problem_description: string;
  readonly service_urgency: string;
  readonly agree_to_terms: boolean;
  readonly privacy_consent: boolean;
  readonly gdpr_compliant: boolean;
  readonly consent_at: string;
  readonly privacy_policy_version: string | null;
  readonly source: string;
  /** Set when the lead needs a person's look before any automatic reply (over_email_limit); else null. */
  readonly review_reason: string | null;
  readonly created_at: string;
}

export function leadPayload(row: ClaimedRow): LeadPayload {
  return {
    event: row.topic,
    delivery_id: row.delivery_id,
    lead_id: row.lead_id,
    first_name: row.first_name,
    last_name: row.last_name,
    email: row.email,
    country: row.country,
    phone_number: row.phone_number,
    problem_description: row.problem_description,
    service_urgency: row.service_urgency,
    agree_to_terms: row.agree_to_terms,
    privacy_consent: row.privacy_consent,
    gdpr_compliant: row.gdpr_compliant,
    consent_at: row.consent_at.toISOString(),
    privacy_policy_version: row.privacy_policy_version,
    source: row.source,
    review_reason: row.review_reason,
    created_at: row.created_at.toISOString(),
  };
}
