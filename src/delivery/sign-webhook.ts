import { createHmac } from 'node:crypto';

/** The key a `whsec_<base64>` secret stands for (the config schema has checked its form). */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
}

/**
 * The `webhook-signature` header of the Standard Webhooks spec: `v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, once per key, space-separated, so a receiver holding either the old or
 * the new secret verifies during a rotation.
 */
export function webhookSignature(
  keys: readonly Buffer[],
  id: string,
  timestamp: number,
  body: string,
): string {
  const content = `${id}.${String(timestamp)}.${body}`;
  return keys.map((key) => `v1,${createHmac('sha256', key).update(content).digest('base64')}`).join(' ');
}
