import { z } from 'zod';

/** The contact endpoint's guards: spam, rate limits, idempotency, and what the form page shows. */
export const intakeSection = z
  .strictObject({
    /** A submission sooner than this after its form was rendered is treated as spam (0: off). */
    minFillMs: z.int().min(0).default(3_000),
    /** A form rendered longer ago than this is treated as spam (its token has expired). */
    maxFormAgeMs: z
      .int()
      .min(60_000)
      .default(24 * 3_600_000),
    /** HMAC key of the form tokens; unset: a random key per process (tokens do not survive a restart). */
    formTokenSecret: z.string().min(16).optional(),
    /** The hidden field humans leave empty. */
    honeypotField: z
      .string()
      .regex(/^[a-z_]{3,40}$/)
      .default('website'),
    privacyPolicyVersion: z.string().min(1).max(40).default('2025-01'),
    privacyPolicyUrl: z.string().min(1).default('/privacy'),
    /** Retry-After (seconds) when the database is unreachable. */
    unavailableRetryAfterS: z.int().min(1).default(5),
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
