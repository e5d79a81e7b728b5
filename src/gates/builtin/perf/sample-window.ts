import { setTimeout as sleep } from 'node:timers/promises';
import { releaseEndpoint } from '../deploy/release-endpoint.ts';
import { runProbe, type ProbeRun } from './probe.ts';
import { scrapeMetrics, type Scrape } from '../support/scrape-metrics.ts';

export interface WindowOptions {
  readonly base: string;
  readonly windowMs: number;
  readonly sampleIntervalMs: number;
  /** Unset: no probe, only the release's own traffic. */
  readonly probe?: { readonly paths: readonly string[]; readonly rate: number } | undefined;
  readonly signal: AbortSignal;
}

/** What one window read. */
export interface WindowRun {
  readonly scrapes: readonly Scrape[];
  /** Reads of /metrics that gave nothing. */
  readonly failures: number;
  readonly lastFailure: string | null;
  readonly probe: ProbeRun | null;
  /** Wall clock from the first read's start to the last's. */
  readonly durationMs: number;
}

/**
 * Reads the release's /metrics at the start, every `sampleIntervalMs`, and once more at the end
 * of `windowMs`, the probe (when set) sending its GETs in between.
 */
export async function sampleWindow(options: WindowOptions): Promise<WindowRun> {
  const url = releaseEndpoint(options.base, '/metrics');
  const started = performance.now();
  const timeoutMs = Math.max(options.sampleIntervalMs, 2_000);
  const scrapes: Scrape[] = [];
  let failures = 0;
  let lastFailure: string | null = null;
  const take = async (): Promise<void> => {
    const result = await scrapeMetrics(url, started, timeoutMs, options.signal);
    if ('scrape' in result) scrapes.push(result.scrape);
    else {
      failures += 1;
      lastFailure = result.failure;
    }
  };
  await take();
  const probeStop = new AbortController();
  const probing = options.probe
    ? runProbe({
        base: options.base,
        ...options.probe,
        signal: AbortSignal.any([options.signal, probeStop.signal]),
      })
    : Promise.resolve(null);
  const end = started + options.windowMs;
  while (!options.signal.aborted) {
    const left = end - performance.now();
    if (left <= 0) break;
    await sleep(Math.min(options.sampleIntervalMs, left), undefined, { signal: options.signal }).catch(
      () => undefined,
    );
    // A reading due right at the end is the end's own (timers fire a little early or late).
    if (end - performance.now() > options.sampleIntervalMs / 4) await take();
  }
  probeStop.abort();
  const probe = await probing;
  if (options.signal.aborted) throw new Error('the window was stopped: the run was cancelled');
  await take();
  return { scrapes, failures, lastFailure, probe, durationMs: Math.round(performance.now() - started) };
}
