import type { MemorySample } from '../support/memory-trend.ts';
import type { PrometheusSample } from '../support/prometheus-text.ts';
import { sampleValue } from '../support/prometheus-text.ts';
import { heapMetric, rssMetric } from '../deploy/sample-memory.ts';
import type { Scrape } from '../support/scrape-metrics.ts';

/** prom-client's default metrics and the pool's gauges (src/observability/service-metrics.ts). */
export const cpuMetric = 'process_cpu_seconds_total';
export const handlesMetric = 'nodejs_active_handles';
export const poolTotalMetric = 'database_pool_connections';
export const poolIdleMetric = 'database_pool_connections_idle';
export const poolMaxMetric = 'database_pool_connections_max';

/** Every metric the readings take (what the gate asks Prometheus for). */
export const resourceMetrics = [
  cpuMetric,
  rssMetric,
  heapMetric,
  handlesMetric,
  poolTotalMetric,
  poolIdleMetric,
  poolMaxMetric,
];

/** What one scrape says about the release's resources; a figure it lacks is undefined. */
export interface ResourceReading {
  readonly atMs: number;
  readonly cpuSeconds: number | undefined;
  readonly rssBytes: number | undefined;
  readonly heapUsedBytes: number | undefined;
  /** The sum of nodejs_active_handles over its `type` label: the open handles. */
  readonly handles: number | undefined;
  /** Connections checked out of the pool: held minus idle. */
  readonly poolInUse: number | undefined;
  readonly poolMax: number | undefined;
}

function sumOf(samples: readonly PrometheusSample[], name: string): number | undefined {
  const matching = samples.filter((s) => s.name === name);
  return matching.length === 0 ? undefined : matching.reduce((sum, s) => sum + s.value, 0);
}

export function resourceReading(scrape: Scrape): ResourceReading {
  const s = scrape.samples;
  const total = sampleValue(s, poolTotalMetric);
  const idle = sampleValue(s, poolIdleMetric);
  return {
    atMs: scrape.atMs,
    cpuSeconds: sampleValue(s, cpuMetric),
    rssBytes: sampleValue(s, rssMetric),
    heapUsedBytes: sampleValue(s, heapMetric),
    handles: sumOf(s, handlesMetric),
    poolInUse: total === undefined || idle === undefined ? undefined : Math.max(0, total - idle),
    poolMax: sampleValue(s, poolMaxMetric),
  };
}

/** The readings with a heap figure, as the heap trend takes them. */
export function heapSamples(readings: readonly ResourceReading[]): MemorySample[] {
  return readings.flatMap((r) =>
    r.heapUsedBytes === undefined
      ? []
      : [{ atMs: r.atMs, heapUsedBytes: r.heapUsedBytes, rssBytes: r.rssBytes }],
  );
}
