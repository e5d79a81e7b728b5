import type { HermesConfig } from '../config/schema.ts';
import { HermesError } from '../errors/hermes-error.ts';
import type { WebhookTarget } from './send-webhook.ts';
import { signingKey } from './sign-webhook.ts';

/** Where and how to POST, from the `n8n` config section. */
export function webhookTarget(n8n: HermesConfig['n8n']): WebhookTarget {
  if (n8n.webhookUrl === undefined) {
    throw new HermesError(
      'n8n_not_configured',
      'n8n.webhookUrl is not set: set HERMES_N8N_WEBHOOK_URL to the Webhook node production URL',
    );
  }
  const authHeaders: Record<string, string> = {};
  if (n8n.headerAuth) authHeaders[n8n.headerAuth.name.toLowerCase()] = n8n.headerAuth.secret;
  if (n8n.basicAuth) {
    const { username, password } = n8n.basicAuth;
    authHeaders.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  return {
    url: n8n.webhookUrl,
    signingKeys: n8n.signingSecrets.map(signingKey),
    authHeaders,
    timeoutMs: n8n.timeoutMs,
    excerptChars: n8n.responseExcerptChars,
  };
}
