import type { Queryable } from '../db/queryable.ts';
import type { DataKeyRing } from './encryption/field-cipher.ts';
import { encryptLeadField } from './encryption/lead-fields.ts';
import type { ValidLead } from './lead-schema.ts';
import type { syntheticSource } from './synthetic-source.ts';

export type LeadSource = 'web-form' | 'api' | typeof syntheticSource;

/** The form token a genuine lead came with: it is marked used in the lead's own statement. */
export interface FormTokenUse {
  readonly id: string;
  readonly expiresAt: Date;
  /** SHA-256 of the normalised submission: a retry of the same lead with its token is a replay. */
  readonly requestHash: string;
}

export interface LeadToStore {
  readonly lead: ValidLead;
  readonly source: LeadSource;
  readonly privacyPolicyVersion: string;
  /** Set: stored as spam, with no outbox row (never forwarded). */
  readonly spamReason: string | null;
  /** Set: stored and forwarded, flagged for a person's look (over_email_limit). */
  readonly reviewReason?: string | null;
  readonly formToken?: FormTokenUse | null;
}

// One statement, so one transaction: the token's use, the lead and its outbox row commit together
// or not at all. A token already used (or being used by a concurrent request, whose commit
// ON CONFLICT waits for) stores nothing; the caller tells a retry from a reuse.
const sql = `
WITH token AS (
  INSERT INTO hermes_ops.used_form_tokens (token_id, lead_id, request_hash, expires_at)
  SELECT $15, $1, $16, $17 WHERE $15::text IS NOT NULL
  ON CONFLICT (token_id) DO NOTHING
  RETURNING token_id
), lead AS (
  INSERT INTO hermes_leads (
    lead_id, first_name, last_name, email, country, phone_number, problem_description,
    service_urgency, agree_to_terms, privacy_consent, privacy_policy_version, source, status,
    spam_reason, review_reason
  )
  SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $18
  WHERE $15::text IS NULL OR EXISTS (SELECT 1 FROM token)
  RETURNING lead_id, status
), outbox AS (
  INSERT INTO hermes_outbox (lead_id)
  SELECT lead_id FROM lead WHERE status = 'received'
)
SELECT count(*)::int AS stored FROM lead`;

/**
 * Inserts the lead (and its outbox row unless spam), its phone number and description encrypted;
 * false when its form token was already used.
 */
export async function insertLeadWithOutbox(
  db: Queryable,
  keys: DataKeyRing,
  leadId: string,
  row: LeadToStore,
): Promise<boolean> {
  const { lead, formToken } = row;
  const { rows } = await db.query<{ stored: number }>(sql, [
    leadId,
    lead.first_name,
    lead.last_name,
    lead.email,
    lead.country,
    // Encrypted at rest under the current key, bound to this lead_id (src/leads/encryption/).
    encryptLeadField(keys, 'phone_number', leadId, lead.phone_number),
    encryptLeadField(keys, 'problem_description', leadId, lead.problem_description),
    lead.service_urgency,
    lead.agree_to_terms,
    lead.privacy_consent,
    row.privacyPolicyVersion,
    row.source,
    row.spamReason === null ? 'received' : 'spam',
    row.spamReason,
    formToken?.id ?? null,
    formToken?.requestHash ?? null,
    formToken?.expiresAt ?? null,
    row.reviewReason ?? null,
  ]);
  return rows[0]?.stored === 1;
}
