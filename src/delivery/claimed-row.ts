/** An outbox row a worker holds under lease, with the lead it carries. */
export interface ClaimedRow {
  readonly outbox_id: number;
  readonly delivery_id: string;
  readonly topic: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  /** False for a circuit breaker's probe on a row whose next attempt is not due yet. */
  readonly due: boolean;
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
  readonly consent_at: Date;
  readonly privacy_policy_version: string | null;
  readonly source: string;
  readonly review_reason: string | null;
  readonly created_at: Date;
}

/** The columns every claim returns (`o` the outbox row, `l` its lead). */
export const claimedColumns = `
  o.id AS outbox_id, o.delivery_id, o.topic, o.attempts,
  l.lead_id, l.first_name, l.last_name, l.email, l.country, l.phone_number, l.problem_description,
  l.service_urgency, l.agree_to_terms, l.privacy_consent, l.gdpr_compliant, l.consent_at,
  l.privacy_policy_version, l.source, l.review_reason, l.created_at`;
