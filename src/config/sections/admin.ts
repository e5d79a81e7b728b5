import { z } from 'zod';

/** The admin API and GDPR operations. */
export const adminSection = z
  .strictObject({
    /** Bearer keys accepted by /api/admin (kept hashed in memory); empty: the admin API answers 401. */
    apiKeys: z
      .array(z.string().min(16, { error: 'an admin API key needs at least 16 characters' }))
      .default([]),
    /** `hermes leads retention` anonymises leads older than this. */
    retentionDays: z.int().min(1).default(730),
    /**
     * Per client (an IPv4 address or an IPv6 /64). Refused attempts (no key or a wrong one) have
     * a small budget of their own: past it, every request from that client is answered 429 with
     * Retry-After until the window ends, the right key included, or a 200 would tell a
     * brute-forcer that it has found the key. 10 per 15 minutes lets an admin mistype a few
     * times and locks out a mistaken script for at most 15 minutes (the CLI, on the database,
     * is not limited), while a guesser gets ~1,000 tries a day at a key of 16+ characters.
     * Calls with a valid key have the larger `perClientMax` budget.
     */
    rateLimit: z
      .strictObject({
        enabled: z.boolean().default(true),
        perClientMax: z.int().min(1).default(300),
        perClientWindowMs: z.int().min(1_000).default(60_000),
        refusedMax: z.int().min(1).default(10),
        refusedWindowMs: z
          .int()
          .min(1_000)
          .default(15 * 60_000),
      })
      .prefault({}),
    /**
     * Refused attempts are counted per client and window in hermes_ops.admin_refusals; the
     * client address is personal data, so the counts are deleted after this many days.
     */
    refusalsRetentionDays: z.int().min(1).max(3_650).default(30),
  })
  .prefault({});
