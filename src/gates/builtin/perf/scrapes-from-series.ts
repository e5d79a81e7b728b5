import type { PrometheusSample } from '../support/prometheus-text.ts';
import type { RangeSeries } from '../support/prometheus-api.ts';
import type { Scrape } from '../support/scrape-metrics.ts';

/**
 * A range query's series regrouped as readings, one per evaluation time, `atMs` after the window
 * opened (`startedAt`, epoch ms): the shape /metrics gives, so that one set of judges serves both.
 * A series without a point at a time is absent from that reading, as a series not yet created is.
 */
export function scrapesFromSeries(series: readonly RangeSeries[], startedAt: number): Scrape[] {
  const byTime = new Map<number, PrometheusSample[]>();
  for (const { metric, values } of series) {
    const { __name__: name, ...labels } = metric;
    if (name === undefined) continue;
    for (const [seconds, value] of values) {
      const at = Math.round(seconds * 1_000);
      const samples = byTime.get(at) ?? [];
      samples.push({ name, labels, value });
      byTime.set(at, samples);
    }
  }
  return [...byTime.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, samples]) => ({ atMs: at - startedAt, samples }));
}

/** Prometheus's own series: 1 at each time its last scrape of the instance succeeded. */
export const upMetric = 'up';

/**
 * The readings at times every selected instance had been scraped, `up` asked for alongside the
 * metrics: there a series that is absent does not exist yet (it grows from 0, as on /metrics),
 * while at a time before Prometheus first scraped the instance, or after a failed scrape, the
 * absence says nothing and the time is no reading.
 */
export function scrapedReadings(scrapes: readonly Scrape[]): Scrape[] {
  return scrapes.filter((scrape) => {
    const up = scrape.samples.filter((s) => s.name === upMetric);
    return up.length > 0 && up.every((s) => s.value === 1);
  });
}
