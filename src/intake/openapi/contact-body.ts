import { z } from 'zod';
import type { HermesConfig } from '../../config/schema.ts';
import { leadFields } from '../../leads/lead-rules.ts';
import { leadSchema } from '../../leads/lead-schema.ts';

/**
 * The body of `POST /api/contact` as a client sends it: the lead schema's own fields (the same zod
 * objects the route validates with) and the envelope parse-envelope.ts takes off before them. The
 * form page's honeypot is left out: no client is meant to fill it in.
 */
export function contactBody(
  intake: Pick<HermesConfig['intake'], 'privacyPolicyVersion' | 'acceptedPrivacyPolicyVersions'>,
) {
  const versions = [...new Set([intake.privacyPolicyVersion, ...intake.acceptedPrivacyPolicyVersions])] as [
    string,
    ...string[],
  ];
  return z.strictObject({
    ...leadSchema.in.shape,
    privacy_policy_version: z
      .enum(versions)
      .optional()
      .describe('the privacy policy version consented to; absent: the current one'),
    form_token: z
      .string()
      .optional()
      .describe("the form page's signed render token: sent by the page only, never by an API client"),
  });
}

/** Each field's rule in words, as a 400 answer names it. */
export const contactExpected: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(leadFields).map(([name, rule]) => [name, rule.expected]),
);

/** A lead the route accepts from an API client, as the README's curl example sends one. */
export const contactExample: Readonly<Record<string, unknown>> = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  country: 'GB',
  phone_number: '+44 20 7946 0958',
  problem_description: 'Our web shop was defaced last night and customers see a ransom note.',
  service_urgency: 'urgent',
  agree_to_terms: true,
  privacy_consent: true,
};
