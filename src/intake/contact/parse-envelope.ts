import type { HermesConfig } from '../../config/schema.ts';
import { describeGot } from '../../leads/describe-got.ts';
import type { ValidLead } from '../../leads/lead-schema.ts';
import type { Idempotency } from '../../leads/record-lead.ts';
import { validateLead, type FieldError } from '../../leads/validate-lead.ts';
import { checkIdempotencyKey } from './idempotency-key.ts';
import { sha256Hex } from '../../text/sha256-hex.ts';

export type EnvelopeRules = Pick<
  HermesConfig['intake'],
  'honeypotField' | 'privacyPolicyVersion' | 'acceptedPrivacyPolicyVersions' | 'idempotencyTtlHours'
>;

/** A submission that can be stored: the lead, and what tells a retry of it from another lead. */
export interface AcceptableSubmission {
  readonly ok: true;
  readonly lead: ValidLead;
  /** SHA-256 of the normalised lead: compared for the Idempotency-Key and the form token. */
  readonly leadHash: string;
  /** The policy the consent was given to (the posted one, which is known, else the current one). */
  readonly privacyPolicyVersion: string;
  readonly idempotency: Idempotency | undefined;
}

export type Submission =
  AcceptableSubmission | { readonly ok: false; readonly fields: readonly FieldError[] };

/** A contact post: the lead, and the envelope that travels with it but outside it. */
export interface Envelope {
  /** The posted fields as typed, for a form page shown again. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly formToken: unknown;
  readonly honeypot: unknown;
  readonly submission: Submission;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The client may only claim consent to a policy this configuration published. */
export function checkPolicyVersion(posted: unknown, rules: EnvelopeRules): FieldError | undefined {
  const known = new Set([rules.privacyPolicyVersion, ...rules.acceptedPrivacyPolicyVersions]);
  if (posted === undefined || (typeof posted === 'string' && known.has(posted))) return undefined;
  return {
    field: 'privacy_policy_version',
    expected: `a privacy policy version this site published (${[...known].join(', ')})`,
    got: describeGot(posted),
  };
}

/**
 * Splits a contact post into the lead and its envelope (spam guards, the consent's policy
 * version, the Idempotency-Key header) and checks all of it: every field at fault is named.
 */
export function parseEnvelope(
  body: unknown,
  idempotencyKey: string | string[] | undefined,
  rules: EnvelopeRules,
): Envelope {
  const values = isRecord(body) ? body : {};
  const {
    form_token: formToken,
    privacy_policy_version: policyVersion,
    [rules.honeypotField]: honeypot,
    ...rest
  } = values;
  // A body that is not an object is validated as it is, so that the answer names it.
  const validation = validateLead(isRecord(body) ? rest : body);
  const fields = [
    ...(validation.ok ? [] : validation.fields),
    ...[checkPolicyVersion(policyVersion, rules), checkIdempotencyKey(idempotencyKey)].filter(
      (problem) => problem !== undefined,
    ),
  ];
  if (!validation.ok || fields.length > 0)
    return { values, formToken, honeypot, submission: { ok: false, fields } };
  const leadHash = sha256Hex(JSON.stringify(validation.lead));
  return {
    values,
    formToken,
    honeypot,
    submission: {
      ok: true,
      lead: validation.lead,
      leadHash,
      privacyPolicyVersion: typeof policyVersion === 'string' ? policyVersion : rules.privacyPolicyVersion,
      idempotency:
        typeof idempotencyKey === 'string'
          ? { key: idempotencyKey, requestHash: leadHash, ttlHours: rules.idempotencyTtlHours }
          : undefined,
    },
  };
}
