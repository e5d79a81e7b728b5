import { leadFormFieldNames } from '../config/sections/form-field-names.ts';

/**
 * A lead as `hermes_leads` stores it: every column but `id`, the internal key, which is never shown,
 * exported or forwarded. The one definition: `findLead`, the GDPR export and the delivery's claimed
 * row and payload (src/delivery) take their columns from here; a test holds the list to the table.
 */
export interface LeadRow {
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
  readonly status: string;
  /** Why a lead was flagged as spam (honeypot, too_fast, bad_token); null for real leads. */
  readonly spam_reason: string | null;
  /** Set when the lead needs a person's look before any automatic reply (over_email_limit); else null. */
  readonly review_reason: string | null;
  readonly erased_at: Date | null;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export type LeadColumn = keyof LeadRow;

/**
 * The columns in the order `leads show` and the GDPR export print them, and n8n's JSON body its
 * forwarded ones (src/delivery/claimed-row.ts): a move here changes the signed body.
 */
export const leadRowColumns = [
  'lead_id',
  // What the form posts is stored as it is named (first_name … privacy_consent).
  ...leadFormFieldNames,
  'gdpr_compliant',
  'consent_at',
  'privacy_policy_version',
  'source',
  'status',
  'spam_reason',
  'review_reason',
  'erased_at',
  'created_at',
  'updated_at',
] as const satisfies readonly LeadColumn[];

/** A SQL select list of `columns`, each prefixed with a table alias when one is given (`l.email`). */
export function selectList(columns: readonly LeadColumn[], alias?: string): string {
  return columns.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}

type Unlisted = Exclude<LeadColumn, (typeof leadRowColumns)[number]>;

/**
 * `SELECT ${leadRowSelect} FROM hermes_leads`: a whole LeadRow. Its type names any column of
 * LeadRow missing from `leadRowColumns`, so such a column fails to compile here.
 */
export const leadRowSelect: [Unlisted] extends [never] ? string : `not in leadRowColumns: ${Unlisted}` =
  selectList(leadRowColumns);
