import { z } from 'zod';

/**
 * Where `assets:validate` publishes a release's versioned assets (§2.1.2): a directory (a CDN's
 * origin, a mounted bucket) or a shell command (an object-store sync). Unset: the target's own
 * (the local target's nginx serves them), or each release serves its own.
 */
const uploadSection = z
  .strictObject({
    /** A directory, relative to the repository or absolute: the versioned files are copied into it. */
    dir: z.string().min(1).nullable().default(null),
    /** Run with `/bin/sh -c`, with HERMES_ASSETS_DIR, HERMES_ASSETS_MANIFEST and HERMES_RELEASE_VERSION. */
    command: z.string().min(1).nullable().default(null),
  })
  .prefault({});

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
    upload: uploadSection,
  })
  .prefault({})
  .superRefine((assets, ctx) => {
    const { dir, command } = assets.upload;
    if (dir !== null && command !== null)
      ctx.addIssue({
        code: 'custom',
        path: ['upload'],
        message: 'expected one of upload.dir and upload.command, got both',
      });
    if ((dir !== null || command !== null) && assets.publicBaseUrl === null)
      ctx.addIssue({
        code: 'custom',
        path: ['publicBaseUrl'],
        message: 'expected the URL the uploaded assets are served from (assets.upload is set), got none',
      });
  });
