import { maskPii } from '../observability/mask-pii.ts';
import { hermesVersion } from '../observability/version.ts';
import { outcomeOfStatus, type AttemptOutcome } from './attempt-outcome.ts';
import { redactErrorText } from './redact-error-text.ts';
import { webhookSignature } from './sign-webhook.ts';
import { errorMessage } from '../errors/error-message.ts';

export interface WebhookTarget {
  readonly url: string;
  /** Decoded Standard Webhooks keys; none: the request is not signed. */
  readonly signingKeys: readonly Buffer[];
  /** Extra headers: n8n's Header Auth or Basic Auth. */
  readonly authHeaders: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly excerptChars: number;
}

export interface SentWebhook {
  readonly outcome: AttemptOutcome;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly responseExcerpt: string | null;
}

/** Reads at most about `chars` characters of the answer and drops the rest unread. */
async function readExcerpt(response: Response, chars: number): Promise<string | null> {
  if (chars === 0 || !response.body) {
    await response.body?.cancel();
    return null;
  }
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < chars) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  // Answers should not echo the lead, but a workflow's "Respond to Webhook" node could.
  return text.length === 0 ? null : maskPii(text.slice(0, chars));
}

function describeFailure(error: unknown): { outcome: AttemptOutcome; error: string } {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { outcome: 'timeout', error: 'no answer before the timeout' };
  }
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? `${cause.code}: ` : '';
    return { outcome: 'connection_error', error: redactErrorText(maskPii(`${code}${cause.message}`)) };
  }
  return {
    outcome: 'connection_error',
    // fetch quotes the URL in some errors (one with user:pass@, say).
    error: redactErrorText(maskPii(errorMessage(error))),
  };
}

/** POSTs one signed delivery; never throws: every failure is an outcome. */
export async function sendWebhook(
  target: WebhookTarget,
  deliveryId: string,
  body: string,
): Promise<SentWebhook> {
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': `Hermes/${hermesVersion}`,
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    ...target.authHeaders,
  };
  if (target.signingKeys.length > 0) {
    headers['webhook-signature'] = webhookSignature(target.signingKeys, deliveryId, timestamp, body);
  }
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    // The status decides: a 2xx whose body then fails to arrive was still received by n8n.
    const outcome = outcomeOfStatus(response.status);
    const responseExcerpt = await readExcerpt(response, target.excerptChars).catch(() => null);
    return {
      outcome,
      statusCode: response.status,
      latencyMs: latency(),
      error: outcome === 'delivered' ? null : `HTTP ${String(response.status)}`,
      responseExcerpt,
    };
  } catch (error) {
    return { ...describeFailure(error), statusCode: null, latencyMs: latency(), responseExcerpt: null };
  }
}
