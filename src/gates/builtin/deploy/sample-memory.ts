import { setTimeout as sleep } from 'node:timers/promises';
import type { MemorySample } from '../support/memory-trend.ts';
import { sampleValue } from '../support/prometheus-text.ts';
import { scrapeMetrics } from '../support/scrape-metrics.ts';

/** prom-client's default metrics, which `hermes serve` exposes on /metrics. */
export const heapMetric = 'nodejs_heap_size_used_bytes';
export const rssMetric = 'process_resident_memory_bytes';

/** What the sampler read over the run. */
export interface MemorySampling {
  readonly samples: readonly MemorySample[];
  /** Reads that gave no heap figure. */
  readonly failures: number;
  /** Why the last of them did. */
  readonly lastFailure: string | null;
}

export interface MemorySampler {
  /** Stops sampling after one last reading (the memory at the end of the load). */
  stop(): Promise<MemorySampling>;
}

/** A scrape answered slowly under load is still a reading; one that hangs is not. */
const scrapeTimeoutMs = (intervalMs: number): number => Math.max(intervalMs, 2_000);

type Reading = { sample: MemorySample } | { failure: string };

async function read(url: string, started: number, timeoutMs: number, signal: AbortSignal): Promise<Reading> {
  const result = await scrapeMetrics(url, started, timeoutMs, signal);
  if ('failure' in result) return result;
  const { atMs, samples } = result.scrape;
  const heapUsedBytes = sampleValue(samples, heapMetric);
  if (heapUsedBytes === undefined) return { failure: `/metrics has no ${heapMetric}` };
  return { sample: { atMs, heapUsedBytes, rssBytes: sampleValue(samples, rssMetric) } };
}

/**
 * Reads the release's heap and resident memory from `metricsUrl` now and every `intervalMs`
 * (each read after the previous one has answered) until `stop`; `signal` ends it at once.
 */
export function startMemorySampler(
  metricsUrl: string,
  intervalMs: number,
  signal: AbortSignal,
): MemorySampler {
  const started = performance.now();
  const samples: MemorySample[] = [];
  let failures = 0;
  let lastFailure: string | null = null;
  const record = (reading: Reading): void => {
    if ('sample' in reading) samples.push(reading.sample);
    else {
      failures += 1;
      lastFailure = reading.failure;
    }
  };
  const take = async (): Promise<void> => {
    record(await read(metricsUrl, started, scrapeTimeoutMs(intervalMs), signal));
  };
  const stopping = new AbortController();
  const wake = AbortSignal.any([signal, stopping.signal]);
  const loop = (async () => {
    while (!wake.aborted) {
      await take();
      await sleep(intervalMs, undefined, { signal: wake }).catch(() => undefined);
    }
  })();
  return {
    async stop() {
      stopping.abort();
      await loop;
      if (!signal.aborted) await take();
      return { samples, failures, lastFailure };
    },
  };
}
