/**
 * The names the contact form posts, which `intake.honeypotField` must not take (the honeypot's
 * field is dropped from every lead). Config may use no other part (DESIGN.md), so the names are
 * here rather than read from src/leads; test/lint/form-field-names.test.ts holds them to the
 * lead's fields (src/leads/lead-rules.ts) and to the envelope the intake reads.
 */
export const leadFormFieldNames = [
  'first_name',
  'last_name',
  'email',
  'country',
  'phone_number',
  'problem_description',
  'service_urgency',
  'agree_to_terms',
  'privacy_consent',
] as const;

/** The envelope's own fields, sent beside the lead's. */
export const envelopeFieldNames = ['form_token', 'privacy_policy_version'] as const;
