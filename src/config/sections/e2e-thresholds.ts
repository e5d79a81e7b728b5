import { z } from 'zod';
import { durationMs } from './duration.ts';

const atLeast = (ms: number) =>
  durationMs.pipe(z.int().min(ms, { error: `expected at least ${String(ms)}ms` }));

/**
 * `e2e.contact-form` (§3.1.1): a browser submits the deployed form; the lead must be stored and
 * delivered to n8n within the deadlines.
 */
const contactForm = z
  .strictObject({
    /** The form page's path on the release's URL. */
    path: z.string().startsWith('/').default('/'),
    /** The Chromium the gate drives (Debian's; playwright-core never downloads one). */
    browser: z.string().min(1).default('/usr/bin/chromium'),
    /** Loading the page, and from pressing Send to the confirmation, each at most this long. */
    pageTimeout: atLeast(1_000).prefault('30s'),
    /** From the confirmation until the lead's delivery row is `delivered`. */
    deliveryDeadline: atLeast(1_000).prefault('60s'),
    /** The wait between two reads of the lead's delivery state. */
    pollInterval: atLeast(50).prefault('500ms'),
  })
  .prefault({});

/** Thresholds of the post-deploy stage's browser gates (`gates.thresholds.e2e`). */
export const e2eThresholds = z.strictObject({ contactForm }).prefault({});
