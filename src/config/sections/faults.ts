import { z } from 'zod';

/**
 * Fault injection for rollback drills (HERMES_FAULTS, src/intake/faults/fault-spec.ts). The faults
 * themselves come from the environment of one release; this section only says whether production
 * may take them. A file key, not an environment variable: a stray variable must not open production.
 */
export const faultsSection = z
  .strictObject({
    /** HERMES_FAULTS is refused when the environment (or NODE_ENV) is production, unless this is true. */
    allowInProduction: z.boolean().default(false),
  })
  .prefault({});
