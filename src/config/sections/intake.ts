import { z } from 'zod';
import { envelopeFieldNames, leadFormFieldNames } from './form-field-names.ts';

const reservedFieldNames = new Set<string>([...leadFormFieldNames, ...envelopeFieldNames]);

/** The contact endpoint's guards: spam, rate limits, idempotency, and what the form page shows. */
export const intakeSection = z
  .strictObject({
    /** A submission sooner than this after its form was rendered is treated as spam (0: off). */
    minFillMs: z.int().min(0).default(3_000),
    /** HMAC key of the form tokens; unset: one random key shared by all instances through the database. */
    formTokenSecret: z.string().min(16).optional(),
    /**
     * How long a rendered form's token is accepted. An older one is no spam signal (the form was
     * just open a long time): the submission is answered with a fresh token to send again with.
     */
    formTokenTtlHours: z.int().min(1).max(720).default(24),
    /** The hidden field humans leave empty; never a lead or envelope field (it would be dropped from every lead). */
    honeypotField: z
      .string()
      .regex(/^[a-z_]{3,40}$/)
      .refine((name) => !reservedFieldNames.has(name), {
        error: (issue) =>
          `expected a field name that is not one of the form's fields (${[...reservedFieldNames].join(', ')}), got "${String(issue.input)}"`,
      })
      .default('website'),
    /** The policy version the form shows now; a submission without one consented to this one. */
    privacyPolicyVersion: z
      .string()
      .regex(/^[\w.-]{1,40}$/)
      .default('2025-01'),
    /** Earlier versions still accepted (a page rendered before the policy changed); any other is refused. */
    acceptedPrivacyPolicyVersions: z.array(z.string().regex(/^[\w.-]{1,40}$/)).default([]),
    privacyPolicyUrl: z.string().min(1).default('/privacy'),
    /** Retry-After (seconds) when the database is unreachable. */
    unavailableRetryAfterS: z.int().min(1).default(5),
    /**
     * Keys an API client (JSON without a form token) sends as `Authorization: Bearer <key>` (kept
     * hashed in memory); empty: API clients need none. Form posts never need one.
     */
    apiKeys: z
      .array(z.string().min(16, { error: 'an intake API key needs at least 16 characters' }))
      .default([]),
    /** How long an Idempotency-Key's answer is replayed. */
    idempotencyTtlHours: z.int().min(1).default(24),
    rateLimit: z
      .strictObject({
        enabled: z.boolean().default(true),
        perIpMax: z.int().min(1).default(20),
        perIpWindowMs: z.int().min(1_000).default(60_000),
        perEmailMax: z.int().min(1).default(5),
        perEmailWindowMs: z.int().min(1_000).default(3_600_000),
      })
      .prefault({}),
  })
  .prefault({});
