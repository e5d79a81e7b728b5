import { z } from 'zod';
import { httpUrl } from './http-url.ts';

/** Standard Webhooks secret: `whsec_` then base64 of at least 16 random bytes (24 to 64 recommended). */
const signingSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, {
    error: 'expected whsec_ followed by base64 (a Standard Webhooks secret)',
  })
  .refine((value) => Buffer.from(value.slice('whsec_'.length), 'base64').length >= 16, {
    error: 'the secret after whsec_ must decode to at least 16 bytes',
  });

/** Where and how Hermes sends leads: n8n's Webhook node. */
export const n8nSection = z
  .strictObject({
    /** The Webhook node's production URL (…/webhook/hermes-leads); unset: leads wait in the outbox. */
    webhookUrl: httpUrl('put the credentials in n8n.basicAuth').optional(),
    /** Standard Webhooks secrets; every one signs each request, so a receiver can rotate keys. */
    signingSecrets: z.array(signingSecret).default([]),
    /** n8n's Header Auth credential: the header's name and value. */
    headerAuth: z
      .strictObject({
        name: z.string().regex(/^[A-Za-z0-9-]{1,100}$/, { error: 'expected an HTTP header name' }),
        secret: z.string().min(1),
      })
      .optional(),
    /** n8n's Basic Auth credential. */
    basicAuth: z.strictObject({ username: z.string().min(1), password: z.string().min(1) }).optional(),
    timeoutMs: z.int().min(100).max(300_000).default(10_000),
    /** What /health/n8n probes; unset: `/healthz` at the webhook URL's origin. */
    healthUrl: httpUrl('put the credentials in n8n.basicAuth').optional(),
    healthTimeoutMs: z.int().min(100).max(60_000).default(3_000),
    /** How much of n8n's answer each recorded attempt keeps. */
    responseExcerptChars: z.int().min(0).max(10_000).default(500),
  })
  .refine((n8n) => !(n8n.headerAuth && n8n.basicAuth), {
    error: 'set headerAuth or basicAuth, not both',
    path: ['basicAuth'],
  })
  .prefault({});
