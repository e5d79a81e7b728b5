import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { redactErrorText } from '../../../../delivery/redact-error-text.ts';
import { errorMessage } from '../../../../errors/error-message.ts';
import { releaseEndpoint } from '../../deploy/release-endpoint.ts';
import type { AdminProbeRoute } from './admin-routes.ts';
import type { CorpusCase } from './input-corpus.ts';
import type { AuthAttempt, AuthProbe } from './judge-auth.ts';
import type { InputProbe } from './judge-input.ts';

export interface RequestOptions {
  timeoutMs: number;
  signal: AbortSignal;
  /** The CAs an https release's chain is verified against (the system's and `extraCaFile`). */
  ca?: readonly string[];
}

/** What a release answered: its status and a header lookup. */
export interface Answer {
  status: number;
  header(name: string): string | null;
}

/**
 * One request, never following a redirect (node:http, so that `extraCaFile` is trusted too);
 * its status and headers, or why it got no answer. The body is read and dropped.
 */
function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  options: RequestOptions,
): Promise<Answer | { failure: string }> {
  const target = new URL(url);
  const https = target.protocol === 'https:';
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  return new Promise((resolve) => {
    const request = (https ? httpsRequest : httpRequest)(
      target,
      {
        method: init.method ?? 'GET',
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]),
        ...(https && options.ca ? { ca: [...options.ca] } : {}),
      },
      (response) => {
        response.resume();
        const { headers } = response;
        resolve({
          status: response.statusCode ?? 0,
          header: (name) => {
            const value = headers[name.toLowerCase()];
            return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
          },
        });
      },
    );
    request.on('error', (error) => {
      resolve({ failure: redactErrorText(errorMessage(error)) });
    });
    request.end(body);
  });
}

/** GET of the form page: its headers. */
export function pageHeaders(
  base: string,
  path: string,
  options: RequestOptions,
): Promise<Answer | { failure: string }> {
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
  const unsent = plan.slice(budget).map((p) => `${p.route.method} ${p.route.route} with ${p.attempt}`);
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
