import { z } from 'zod';

/**
 * §2.1.2: where the pages load their versioned assets from. Unset, from `/assets` on their own
 * origin (each release serves its own); a CDN's URL adds its origin to the CSP's script and style
 * sources.
 */
export const assetsSection = z
  .strictObject({
    publicBaseUrl: z
      .url({ protocol: /^https?$/ })
      .nullable()
      .default(null),
  })
  .prefault({});
