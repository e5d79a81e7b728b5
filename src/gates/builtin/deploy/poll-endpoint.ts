import { setTimeout as sleep } from 'node:timers/promises';
import { bodyExcerpt } from './body-excerpt.ts';
import { releaseEndpoint, requestFailure } from './release-endpoint.ts';

/** What one endpoint answered while it was polled. */
export interface EndpointProbe {
  /** The path, e.g. `/health/database`. */
  readonly endpoint: string;
  /** It answered 200 before the deadline. */
  readonly ok: boolean;
  /** From the first request until the 200 arrived, or until polling gave up. */
  readonly elapsedMs: number;
  readonly attempts: number;
  /** The last answer's status; null when the last request got no answer. */
  readonly lastStatus: number | null;
  /** An excerpt of the last answer's body (secrets masked). */
  readonly lastBody: string | null;
  /** Why the last request got no answer. */
  readonly lastError: string | null;
}

export interface PollOptions {
  readonly deadlineMs: number;
  readonly intervalMs: number;
  readonly requestTimeoutMs: number;
  readonly signal: AbortSignal;
}

type Attempt = Pick<EndpointProbe, 'lastStatus' | 'lastBody' | 'lastError'>;

async function attempt(url: string, timeoutMs: number, signal: AbortSignal): Promise<Attempt> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    // A redirect is not a 200: the release must answer on the URL itself.
    const response = await fetch(url, { signal: AbortSignal.any([signal, timeout]), redirect: 'manual' });
    const body = await response.text();
    return { lastStatus: response.status, lastBody: bodyExcerpt(body), lastError: null };
  } catch (error) {
    // The run's cancellation ends polling; only the request's own timeout is an answer to report.
    if (signal.aborted) throw error;
    const why = timeout.aborted ? `no answer within ${String(timeoutMs)} ms` : requestFailure(error);
    return { lastStatus: null, lastBody: null, lastError: why };
  }
}

/**
 * GETs `endpoint` of the release every `intervalMs` until it answers 200 or `deadlineMs` has
 * passed since the first request. Each request gets its full `requestTimeoutMs`, so the answer
 * reported is a real one, not one cut short by the deadline; none starts after the deadline.
 * Throws when `signal` is aborted.
 */
export async function pollEndpoint(
  base: string,
  endpoint: string,
  options: PollOptions,
): Promise<EndpointProbe> {
  const url = releaseEndpoint(base, endpoint);
  const started = performance.now();
  for (let attempts = 1; ; attempts++) {
    const last = await attempt(url, options.requestTimeoutMs, options.signal);
    const ok = last.lastStatus === 200;
    const elapsedMs = Math.round(performance.now() - started);
    if (ok || elapsedMs + options.intervalMs >= options.deadlineMs) {
      return { endpoint, ok, elapsedMs, attempts, ...last };
    }
    await sleep(options.intervalMs, undefined, { signal: options.signal });
  }
}
