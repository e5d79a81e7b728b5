import type { PrometheusSample } from '../support/prometheus-text.ts';
import type { Scrape } from '../support/scrape-metrics.ts';

/** Which series of a metric count: every label set, or those a filter keeps. */
export type LabelFilter = (labels: Readonly<Record<string, string>>) => boolean;

const everySeries: LabelFilter = () => true;

/** `name{a="1",b="2"}`, labels sorted: one series across scrapes. */
export function seriesKey(sample: PrometheusSample): string {
  const labels = Object.entries(sample.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${sample.name}{${labels}}`;
}

function seriesOf(scrape: Scrape, names: ReadonlySet<string>): Map<string, number> {
  const values = new Map<string, number>();
  for (const s of scrape.samples) if (names.has(s.name)) values.set(seriesKey(s), s.value);
  return values;
}

/**
 * The counter series among `names` that went down between two consecutive scrapes (or vanished):
 * the release restarted or its counters were reset, so the window's deltas mean nothing.
 */
export function counterResets(scrapes: readonly Scrape[], names: readonly string[]): string[] {
  const wanted = new Set(names);
  const reset = new Set<string>();
  for (let i = 1; i < scrapes.length; i += 1) {
    const before = scrapes[i - 1];
    const after = scrapes[i];
    if (before === undefined || after === undefined) continue;
    const now = seriesOf(after, wanted);
    for (const [key, value] of seriesOf(before, wanted)) {
      const later = now.get(key);
      if (later === undefined || later < value) reset.add(key);
    }
  }
  return [...reset].sort();
}

/**
 * How much the counter `name` grew from `first` to `last`, summed over the series `filter` keeps;
 * a series first seen in `last` (prom-client creates a label set on its first use) grew from 0.
 */
export function counterDelta(
  first: Scrape,
  last: Scrape,
  name: string,
  filter: LabelFilter = everySeries,
): number {
  const start = new Map<string, number>();
  for (const s of first.samples) if (s.name === name && filter(s.labels)) start.set(seriesKey(s), s.value);
  let delta = 0;
  for (const s of last.samples)
    if (s.name === name && filter(s.labels)) delta += s.value - (start.get(seriesKey(s)) ?? 0);
  return delta;
}

/** One cumulative histogram bucket: observations at most `le`. */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The histogram `name`'s buckets grown from `first` to `last`, summed by upper bound over the
 * series `filter` keeps (the `le` label left out of the filter), in ascending order.
 */
export function bucketDeltas(
  first: Scrape,
  last: Scrape,
  name: string,
  filter: LabelFilter = everySeries,
): Bucket[] {
  const bucket = `${name}_bucket`;
  const keep: LabelFilter = (labels) => {
    const { le: _le, ...rest } = labels;
    return filter(rest);
  };
  const bounds = new Set<string>();
  for (const s of last.samples) if (s.name === bucket && s.labels.le !== undefined) bounds.add(s.labels.le);
  return [...bounds]
    .map((le) => ({
      le: le === '+Inf' ? Infinity : Number(le),
      count: counterDelta(first, last, bucket, (labels) => labels.le === le && keep(labels)),
    }))
    .filter((b) => !Number.isNaN(b.le))
    .sort((a, b) => a.le - b.le);
}
