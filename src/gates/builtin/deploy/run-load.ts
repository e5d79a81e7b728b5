import autocannon from 'autocannon';
import type { DeployLoadRequest } from '../../../config/sections/deploy-load-thresholds.ts';

/** What one bounded load did. */
export interface LoadRun {
  /** Every answer's latency (ms, any status), ascending: autocannon's histogram has no p95. */
  readonly latencies: readonly number[];
  readonly non2xx: number;
  /** Connection errors and timeouts (autocannon counts each timeout as an error too). */
  readonly errors: number;
  readonly timeouts: number;
  /** Wall clock of the load (ms). */
  readonly durationMs: number;
  /** Answers by status code, e.g. { "200": 1200, "503": 4 }. */
  readonly statusCodes: Readonly<Record<string, number>>;
}

export interface LoadOptions {
  /** The release's base URL; a path on it prefixes every request's. */
  readonly url: string;
  readonly connections: number;
  readonly durationMs: number;
  /** Requests per second over all connections; undefined: as fast as the release answers. */
  readonly rate: number | undefined;
  readonly requests: readonly DeployLoadRequest[];
  /** Stops the load at once; the run then rejects. */
  readonly signal: AbortSignal;
}

const stopped = 'the load was stopped: the run was cancelled';

/** One autocannon run, each connection sending the requests in turn. */
export function runLoad(options: LoadOptions): Promise<LoadRun> {
  if (options.signal.aborted) return Promise.reject(new Error(stopped));
  const base = new URL(options.url);
  const prefix = base.pathname.replace(/\/+$/, '');
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const stop = (): void => instance.stop();
    const instance = autocannon(
      {
        url: base.origin,
        connections: options.connections,
        duration: options.durationMs / 1_000,
        ...(options.rate === undefined ? {} : { overallRate: options.rate }),
        requests: options.requests.map((r) => ({
          method: r.method,
          path: `${prefix}${r.path}`,
          ...(r.body === undefined ? {} : { body: r.body }),
          headers: { 'content-type': r.contentType },
        })),
      },
      (error: unknown, result) => {
        options.signal.removeEventListener('abort', stop);
        if (options.signal.aborted) reject(new Error(stopped));
        else if (error) reject(error instanceof Error ? error : new Error('autocannon could not run'));
        else
          resolve({
            latencies: latencies.sort((a, b) => a - b),
            non2xx: result.non2xx,
            errors: result.errors,
            timeouts: result.timeouts,
            durationMs: Math.round(result.duration * 1_000),
            statusCodes,
          });
      },
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      latencies.push(ms);
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
    });
    options.signal.addEventListener('abort', stop, { once: true });
  });
}
