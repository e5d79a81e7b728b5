import { leadRowColumns, selectList, type LeadColumn, type LeadRow } from '../leads/lead-row.ts';

/**
 * Whether n8n receives each of the lead's columns: a column added to LeadRow fails to compile here
 * until it is decided. n8n workflows and the signature see exactly the forwarded ones.
 */
const forwards = {
  lead_id: true,
  first_name: true,
  last_name: true,
  email: true,
  country: true,
  phone_number: true,
  problem_description: true,
  service_urgency: true,
  agree_to_terms: true,
  privacy_consent: true,
  gdpr_compliant: true,
  consent_at: true,
  privacy_policy_version: true,
  source: true,
  review_reason: true,
  created_at: true,
  // The lead's life in Hermes (spam, erasure, updates) stays here: spam and erased leads are never sent.
  status: false,
  spam_reason: false,
  erased_at: false,
  updated_at: false,
} as const satisfies Record<LeadColumn, boolean>;

export type ForwardedLeadColumn = {
  [K in LeadColumn]: (typeof forwards)[K] extends true ? K : never;
}[LeadColumn];

/** The forwarded columns in leadRowColumns' order, which is the JSON body's (lead-payload.ts). */
export const forwardedLeadColumns: readonly ForwardedLeadColumn[] = leadRowColumns.filter(
  (column): column is ForwardedLeadColumn => forwards[column],
);

/** An outbox row a worker holds under lease, with the lead it carries. */
export interface ClaimedRow extends Pick<LeadRow, ForwardedLeadColumn> {
  readonly outbox_id: number;
  readonly delivery_id: string;
  readonly topic: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  /** False for a circuit breaker's probe on a row whose next attempt is not due yet. */
  readonly due: boolean;
}

/** The columns every claim returns (`o` the outbox row, `l` its lead). */
export const claimedColumns = `
  o.id AS outbox_id, o.delivery_id, o.topic, o.attempts,
  ${selectList(forwardedLeadColumns, 'l')}`;
