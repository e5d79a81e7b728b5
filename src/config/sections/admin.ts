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
  })
  .prefault({});
