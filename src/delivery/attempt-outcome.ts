/**
 * What one POST to n8n came to. n8n's Webhook node answers 404 when the webhook is not registered
 * (workflow inactive, wrong path or method) and 401/403 when its credential does not match: those
 * are reported as such, not as generic errors.
 */
export type AttemptOutcome =
  | 'delivered'
  | 'webhook_not_registered'
  | 'auth_rejected'
  | 'payload_too_large'
  | 'rate_limited'
  | 'server_error'
  | 'http_error'
  | 'timeout'
  | 'connection_error';

export function outcomeOfStatus(status: number): AttemptOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 404) return 'webhook_not_registered';
  if (status === 401 || status === 403) return 'auth_rejected';
  if (status === 413) return 'payload_too_large';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'http_error';
}

/**
 * No retry is needed (delivered) or can succeed (the same body will be too large next time too).
 * Either way n8n answered as a working n8n does: for the circuit breaker, a success.
 */
export function isFinal(outcome: AttemptOutcome): boolean {
  return outcome === 'delivered' || outcome === 'payload_too_large';
}

/** What an operator should read for each outcome. */
export const outcomeDescriptions: Readonly<Record<AttemptOutcome, string>> = {
  delivered: 'n8n accepted the lead',
  webhook_not_registered:
    'n8n answers 404: the webhook is not registered (workflow inactive, or wrong path or method)',
  auth_rejected: "n8n answers 401/403: the webhook's credential does not match Hermes's header or basic auth",
  payload_too_large: 'n8n answers 413: the lead is larger than n8n accepts (dead letter at once)',
  rate_limited: 'n8n answers 429: too many requests',
  server_error: 'n8n answers 5xx: the workflow or n8n failed',
  http_error: 'n8n answers an unexpected status',
  timeout: 'n8n did not answer in time',
  connection_error: 'n8n cannot be reached (connection refused, reset or dropped)',
};
