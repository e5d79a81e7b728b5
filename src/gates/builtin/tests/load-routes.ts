import { createRequire } from 'node:module';

/** One configured request of `tests.performance`. */
export interface LoadRequest {
  method: string;
  path: string;
  body?: string | undefined;
  contentType: string;
}

/** What one route did under load: its own latencies, answers and failures. */
export interface RouteLoad<R extends LoadRequest = LoadRequest> {
  /** `POST /api/contact`; a repeated method and path gets `#2`, `#3`... */
  route: string;
  request: R;
  /** Responses received (any status). */
  responses: number;
  averageMs: number | undefined;
  p95Ms: number | undefined;
  maxMs: number | undefined;
  non2xx: number;
  /** Errors, timeouts included (autocannon counts each timeout as an error too). */
  errors: number;
  /** Wall clock of the run (s). */
  durationSeconds: number;
}

/** The part of autocannon's API and result this module uses (autocannon ships no type declarations). */
interface AutocannonResult {
  non2xx: number;
  errors: number;
  duration: number;
}
interface AutocannonRun extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
  ): void;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; path: string; body?: string; headers: Record<string, string> }[];
}) => AutocannonRun;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The shortest load a route gets, so a slow route still answers more than once per connection. */
const minSecondsPerRoute = 1;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `METHOD /path`, numbered when the same method and path is configured more than once. */
function routeNames(requests: readonly LoadRequest[]): string[] {
  const seen = new Map<string, number>();
  return requests.map((r) => {
    const base = `${r.method} ${r.path}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${String(n)}`;
  });
}

/**
 * Loads each request on its own, one after the other, splitting the duration between them:
 * in one mixed run every connection alternates the requests, so a slow route's latency is
 * averaged with the fast ones' and hidden. Latencies are taken from every response (autocannon's
 * histogram has no p95), so each route gets its own average and p95.
 */
export async function loadRoutes<R extends LoadRequest>(options: {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: readonly R[];
}): Promise<RouteLoad<R>[]> {
  const names = routeNames(options.requests);
  const seconds = Math.max(minSecondsPerRoute, options.durationSeconds / options.requests.length);
  const loads: RouteLoad<R>[] = [];
  for (const [index, request] of options.requests.entries()) {
    const latencies: number[] = [];
    const run = autocannon({
      url: options.url,
      connections: options.connections,
      duration: seconds,
      requests: [
        {
          method: request.method,
          path: request.path,
          ...(request.body === undefined ? {} : { body: request.body }),
          headers: { 'content-type': request.contentType },
        },
      ],
    });
    run.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
    const result = await run;
    latencies.sort((a, b) => a - b);
    const average =
      latencies.length === 0 ? undefined : latencies.reduce((a, b) => a + b, 0) / latencies.length;
    const p95 = percentile(latencies, 95);
    const max = latencies.at(-1);
    loads.push({
      route: names[index] ?? `${request.method} ${request.path}`,
      request,
      responses: latencies.length,
      averageMs: average === undefined ? undefined : round2(average),
      p95Ms: p95 === undefined ? undefined : round2(p95),
      maxMs: max === undefined ? undefined : round2(max),
      non2xx: result.non2xx,
      errors: result.errors,
      durationSeconds: result.duration,
    });
  }
  return loads;
}

/** Totals over every route's run: throughput is all answers over the time spent loading. */
export function loadTotals(loads: readonly RouteLoad[]): {
  responses: number;
  requestsPerSecond: number;
  averageMs: number;
  non2xx: number;
  errors: number;
} {
  const total = (pick: (load: RouteLoad) => number) => loads.reduce((sum, l) => sum + pick(l), 0);
  const responses = total((l) => l.responses);
  const seconds = total((l) => l.durationSeconds);
  return {
    responses,
    requestsPerSecond: seconds > 0 ? round2(responses / seconds) : 0,
    averageMs: responses > 0 ? round2(total((l) => (l.averageMs ?? 0) * l.responses) / responses) : 0,
    non2xx: total((l) => l.non2xx),
    errors: total((l) => l.errors),
  };
}
