import { setTimeout as sleep } from 'node:timers/promises';
import { releaseEndpoint } from '../deploy/release-endpoint.ts';

/** What the probe sent: answers by status (`error` for none). */
export interface ProbeRun {
  readonly sent: number;
  readonly statuses: Readonly<Record<string, number>>;
}

export interface ProbeOptions {
  readonly base: string;
  readonly paths: readonly string[];
  /** Requests per second over all paths. */
  readonly rate: number;
  /** Ends the probe (the window closed, or the run was cancelled). */
  readonly signal: AbortSignal;
}

/**
 * A light read-only load: GET each path in turn at `rate` requests/s until `signal` aborts, one
 * request at a time (a slow release gets fewer, never a pile-up). Never a POST: no lead is made.
 */
export async function runProbe(options: ProbeOptions): Promise<ProbeRun> {
  const statuses: Record<string, number> = {};
  const gapMs = 1_000 / options.rate;
  let sent = 0;
  while (!options.signal.aborted) {
    const path = options.paths[sent % options.paths.length] ?? '/';
    const began = performance.now();
    sent += 1;
    let status = 'error';
    try {
      const response = await fetch(releaseEndpoint(options.base, path), {
        signal: AbortSignal.any([options.signal, AbortSignal.timeout(10_000)]),
      });
      await response.arrayBuffer();
      status = String(response.status);
    } catch {
      // An answer cut off by the window's end is no answer; the figures come from /metrics.
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
    const wait = gapMs - (performance.now() - began);
    if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return { sent, statuses };
}
