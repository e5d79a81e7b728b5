import { releaseEndpoint, requestFailure, shownUrl } from '../deploy/release-endpoint.ts';
import { isLoopback } from '../support/loopback-host.ts';

/** A reference no lead can have: the admin API answers 404 for it to a key it takes, 401 otherwise. */
const probePath = '/api/admin/leads/HS-00000000-000000';

/**
 * Why the admin key must not be sent to `base`, or null: over plain HTTP only to this machine
 * (the key opens the admin API: exports, erasure).
 */
export function keyTransportProblem(base: string): string | null {
  const url = new URL(base);
  if (url.protocol === 'https:' || isLoopback(url.hostname)) return null;
  return `${url.origin} is plain HTTP: the gate sends an admin key only over HTTPS (or to this machine); give the https:// URL`;
}

/**
 * Whether the release takes this admin key, asked before any lead is sent: a release that does
 * not would store the gate's lead as a person's and forward it. Null when it does, else why not.
 * Never follows a redirect (the key would go with it).
 */
export async function adminKeyProblem(
  base: string,
  key: string,
  signal: AbortSignal,
): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(releaseEndpoint(base, probePath), {
      headers: { authorization: `Bearer ${key}` },
      redirect: 'manual',
      signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
    });
  } catch (error) {
    return `the release's admin API did not answer: ${requestFailure(error)}`;
  }
  await response.body?.cancel();
  if (response.status === 404) return null;
  if (response.status === 401)
    return "the release refuses this configuration's admin key (401): its HERMES_ADMIN_API_KEYS differ from the ones the gate runs with";
  if (response.status === 429) {
    const retry = response.headers.get('retry-after');
    return `the release's admin guard answered 429${retry === null ? '' : ` (retry after ${retry} s)`}: this address is over its refused-attempts budget (admin.rateLimit.refusedMax per refusedWindowMs) or its calls budget, so the key could not be checked`;
  }
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get('location');
    const to = location === null ? '?' : shownUrl(new URL(location, base).href);
    return `the release's admin API redirects (${String(response.status)} to ${to}): give the URL it redirects to`;
  }
  return `the release's admin API answered ${String(response.status)} to a key check`;
}
