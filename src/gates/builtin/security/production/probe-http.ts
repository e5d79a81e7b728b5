import { randomBytes } from 'node:crypto';
import { releaseEndpoint, requestFailure } from '../../deploy/release-endpoint.ts';
import type { AdminProbeRoute } from './admin-routes.ts';
import type { CorpusCase } from './input-corpus.ts';
import type { AuthAttempt, AuthProbe } from './judge-auth.ts';
import type { InputProbe } from './judge-input.ts';

export interface RequestOptions {
  timeoutMs: number;
  signal: AbortSignal;
}

/** One request, never following a redirect; its status and headers, or why it got no answer. */
async function send(
  url: string,
  init: RequestInit,
  options: RequestOptions,
): Promise<{ status: number; headers: Headers } | { failure: string }> {
  try {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
    await response.body?.cancel();
    return { status: response.status, headers: response.headers };
  } catch (error) {
    return { failure: requestFailure(error) };
  }
}

/** GET of the form page: its headers. */
export async function pageHeaders(
  base: string,
  path: string,
  options: RequestOptions,
): Promise<{ status: number; headers: Headers } | { failure: string }> {
  return send(releaseEndpoint(base, path), { headers: { accept: 'text/html' } }, options);
}

/** A key no release has: random, never a configured one. */
function randomKey(): string {
  return `hermes-scan-${randomBytes(24).toString('hex')}`;
}

/**
 * Probes each admin route without Authorization, then with a random wrong key while the budget
 * of refused requests lasts; returns the probes and the routes whose wrong-key probe was held back.
 */
export async function probeAdminRoutes(
  base: string,
  routes: readonly AdminProbeRoute[],
  budget: number,
  options: RequestOptions,
): Promise<{ probes: AuthProbe[]; unsent: string[] }> {
  const plan: { route: AdminProbeRoute; attempt: AuthAttempt }[] = [
    ...routes.map((route) => ({ route, attempt: 'no Authorization' as const })),
    ...routes.map((route) => ({ route, attempt: 'a wrong Bearer key' as const })),
  ];
  const sent = plan.slice(0, budget);
  const unsent = plan.slice(budget).map((p) => `${p.route.method} ${p.route.route}`);
  const probes: AuthProbe[] = [];
  // One at a time: the answers are per address, and a burst says nothing more.
  for (const { route, attempt } of sent) {
    const headers: Record<string, string> = {};
    if (attempt === 'a wrong Bearer key') headers.authorization = `Bearer ${randomKey()}`;
    if (route.method === 'POST') headers['content-type'] = 'application/json';
    const answer = await send(
      releaseEndpoint(base, route.path),
      { method: route.method, headers, ...(route.method === 'POST' ? { body: '{}' } : {}) },
      options,
    );
    probes.push({
      method: route.method,
      route: route.route,
      attempt,
      ...('failure' in answer ? { status: null, failure: answer.failure } : { status: answer.status }),
    });
  }
  return { probes, unsent };
}

/** Posts each malformed submission to the intake as an API client would (JSON, no form token). */
export async function postCorpus(
  base: string,
  corpus: readonly CorpusCase[],
  options: RequestOptions,
): Promise<InputProbe[]> {
  const probes: InputProbe[] = [];
  for (const item of corpus) {
    const answer = await send(
      releaseEndpoint(base, '/api/contact'),
      {
        method: 'POST',
        headers: { 'content-type': item.contentType, accept: 'application/json' },
        body: item.body,
      },
      options,
    );
    probes.push({
      name: item.name,
      ...('failure' in answer ? { status: null, failure: answer.failure } : { status: answer.status }),
    });
  }
  return probes;
}
