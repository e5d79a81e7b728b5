import { setTimeout as sleep } from 'node:timers/promises';
import type { PrometheusSettings } from '../../../config/sections/prometheus.ts';
import { releaseEndpoint } from '../deploy/release-endpoint.ts';
import { queryRange, seriesSelector } from '../support/prometheus-api.ts';
import { scrapeMetrics, type Scrape } from '../support/scrape-metrics.ts';
import { runProbe, type ProbeRun } from './probe.ts';
import { scrapedReadings, scrapesFromSeries, upMetric } from './scrapes-from-series.ts';

export interface WindowOptions {
  readonly base: string;
  readonly windowMs: number;
  readonly sampleIntervalMs: number;
  /** Unset: no probe, only the release's own traffic. */
  readonly probe?: { readonly paths: readonly string[]; readonly rate: number } | undefined;
  readonly signal: AbortSignal;
}

/** Where the readings come from: the release's /metrics, or a Prometheus that scrapes it. */
export type WindowSource =
  | { readonly kind: 'metrics' }
  | {
      readonly kind: 'prometheus';
      readonly settings: PrometheusSettings & { readonly url: string };
      /** The metric names the gate reads. */
      readonly names: readonly string[];
    };

/** What one window read. */
export interface WindowRun {
  /** `/metrics`, or `Prometheus` (in messages). */
  readonly source: string;
  readonly scrapes: readonly Scrape[];
  /** Reads that gave nothing. */
  readonly failures: number;
  readonly lastFailure: string | null;
  readonly probe: ProbeRun | null;
  /** Wall clock from the first read's start to the last's. */
  readonly durationMs: number;
}

/** Runs `during` with the probe (when set) sending its GETs meanwhile; the probe stops after it. */
async function probing<T>(options: WindowOptions, during: () => Promise<T>): Promise<[T, ProbeRun | null]> {
  const probeStop = new AbortController();
  const probe = options.probe
    ? runProbe({
        base: options.base,
        ...options.probe,
        signal: AbortSignal.any([options.signal, probeStop.signal]),
      })
    : Promise.resolve(null);
  try {
    const result = await during();
    probeStop.abort();
    return [result, await probe];
  } finally {
    probeStop.abort();
  }
}

const cancelled = (): Error => new Error('the window was stopped: the run was cancelled');

/**
 * Reads the release's /metrics at the start, every `sampleIntervalMs`, and once more at the end
 * of `windowMs`, the probe (when set) sending its GETs in between.
 */
async function readMetrics(options: WindowOptions): Promise<WindowRun> {
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
  const end = started + options.windowMs;
  const [, probe] = await probing(options, async () => {
    while (!options.signal.aborted) {
      const left = end - performance.now();
      if (left <= 0) break;
      await sleep(Math.min(options.sampleIntervalMs, left), undefined, { signal: options.signal }).catch(
        () => undefined,
      );
      // A reading due right at the end is the end's own (timers fire a little early or late).
      if (end - performance.now() > options.sampleIntervalMs / 4) await take();
    }
  });
  if (options.signal.aborted) throw cancelled();
  await take();
  const durationMs = Math.round(performance.now() - started);
  return { source: '/metrics', scrapes, failures, lastFailure, probe, durationMs };
}

/**
 * Waits out the window (the probe running), then asks Prometheus for the release's series over
 * it, one point every `sampleIntervalMs`: the same readings as /metrics gives, from its store.
 */
async function readPrometheus(
  options: WindowOptions,
  source: Extract<WindowSource, { kind: 'prometheus' }>,
): Promise<WindowRun> {
  const startedAt = Date.now();
  const [, probe] = await probing(options, () =>
    sleep(options.windowMs, undefined, { signal: options.signal }).catch(() => undefined),
  );
  if (options.signal.aborted) throw cancelled();
  const endedAt = Date.now();
  const answer = await queryRange(
    source.settings,
    {
      query: seriesSelector([upMetric, ...source.names], source.settings.selector),
      start: startedAt / 1_000,
      end: endedAt / 1_000,
      stepSeconds: options.sampleIntervalMs / 1_000,
    },
    options.signal,
  );
  const read =
    'failure' in answer
      ? { scrapes: [], failures: 1, lastFailure: answer.failure }
      : {
          scrapes: scrapedReadings(scrapesFromSeries(answer.series, startedAt)),
          failures: 0,
          lastFailure: null,
        };
  return { source: 'Prometheus', ...read, probe, durationMs: endedAt - startedAt };
}

/** The window's readings from `source`. */
export function sampleWindow(options: WindowOptions, source: WindowSource): Promise<WindowRun> {
  return source.kind === 'metrics' ? readMetrics(options) : readPrometheus(options, source);
}
