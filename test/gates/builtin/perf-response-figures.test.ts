import { describe, expect, it } from 'vitest';
import {
  bucketDeltas,
  counterDelta,
  counterResets,
  seriesKey,
} from '../../../src/gates/builtin/perf/counter-deltas.ts';
import { histogramQuantile } from '../../../src/gates/builtin/perf/histogram-quantile.ts';
import { apiRoutes, responseFigures } from '../../../src/gates/builtin/perf/response-figures.ts';
import type { Scrape } from '../../../src/gates/builtin/support/scrape-metrics.ts';
import { parsePrometheusText } from '../../../src/gates/builtin/support/prometheus-text.ts';

const scrape = (atMs: number, text: string): Scrape => ({ atMs, samples: parsePrometheusText(text) });

const http = (route: string, count: number, sum: number) =>
  `http_request_duration_seconds_count{method="GET",route="${route}",status="200"} ${String(count)}\n` +
  `http_request_duration_seconds_sum{method="GET",route="${route}",status="200"} ${String(sum)}\n`;

describe('counter deltas', () => {
  it('names a series by its sorted labels', () => {
    const [sample] = parsePrometheusText('m{b="2",a="1"} 3');
    expect(sample && seriesKey(sample)).toBe('m{a="1",b="2"}');
  });

  it('sums the growth of the kept series, a series first seen at the end counting from 0', () => {
    const first = scrape(0, http('/', 10, 1) + http('/health', 5, 0.1));
    const last = scrape(1000, http('/', 30, 3) + http('/health', 50, 1) + http('/api/contact', 4, 2));
    expect(counterDelta(first, last, 'http_request_duration_seconds_count', apiRoutes)).toBe(24);
    expect(counterDelta(first, last, 'http_request_duration_seconds_sum', apiRoutes)).toBeCloseTo(4);
    expect(counterDelta(first, last, 'http_request_duration_seconds_count')).toBe(69);
  });

  it('sees a counter that went down, or vanished, between two scrapes', () => {
    const scrapes = [
      scrape(0, http('/', 10, 1)),
      scrape(500, http('/', 4, 0.2)),
      scrape(1000, http('/', 30, 3)),
    ];
    expect(counterResets(scrapes, ['http_request_duration_seconds_count'])).toEqual([
      'http_request_duration_seconds_count{method="GET",route="/",status="200"}',
    ]);
    expect(
      counterResets([scrape(0, http('/', 1, 1)), scrape(1, '')], ['http_request_duration_seconds_sum']),
    ).toHaveLength(1);
    expect(
      counterResets(
        [scrape(0, http('/', 1, 1)), scrape(1, http('/', 2, 2))],
        ['http_request_duration_seconds_sum'],
      ),
    ).toEqual([]);
  });
});

describe('histogram quantile', () => {
  const buckets = [
    { le: 0.1, count: 0 },
    { le: 0.5, count: 50 },
    { le: 1, count: 90 },
    { le: Infinity, count: 100 },
  ];

  it('interpolates within the bucket holding the rank, as histogram_quantile does', () => {
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.5);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.3);
    expect(histogramQuantile(0.7, buckets)).toBeCloseTo(0.75);
  });

  it('gives the highest finite bound for a rank in +Inf, and nothing without observations', () => {
    expect(histogramQuantile(0.95, buckets)).toBe(1);
    expect(histogramQuantile(0.95, [{ le: Infinity, count: 0 }])).toBeUndefined();
    expect(histogramQuantile(0.95, [{ le: 1, count: 3 }])).toBeUndefined();
  });

  it('starts the first bucket at 0', () => {
    expect(
      histogramQuantile(0.5, [
        { le: 2, count: 10 },
        { le: Infinity, count: 10 },
      ]),
    ).toBeCloseTo(1);
  });

  it('takes bucket deltas summed over label sets, ascending', () => {
    const text = (n: number) =>
      `delivery_duration_seconds_bucket{le="0.5",outcome="delivered"} ${String(n)}\n` +
      `delivery_duration_seconds_bucket{le="+Inf",outcome="delivered"} ${String(2 * n)}\n` +
      `delivery_duration_seconds_bucket{le="0.5",outcome="timeout"} 1\n` +
      `delivery_duration_seconds_bucket{le="+Inf",outcome="timeout"} ${String(n)}\n`;
    expect(bucketDeltas(scrape(0, text(1)), scrape(1, text(5)), 'delivery_duration_seconds')).toEqual([
      { le: 0.5, count: 4 },
      { le: Infinity, count: 12 },
    ]);
  });
});

describe('responseFigures', () => {
  const metrics = (n: number) =>
    http('/', 10 * n, 0.5 * n) +
    http('/metrics', 100 * n, 100 * n) +
    `database_query_duration_seconds_count{operation="insert_lead"} ${String(n)}\n` +
    `database_query_duration_seconds_sum{operation="insert_lead"} ${String(0.02 * n)}\n` +
    `delivery_duration_seconds_bucket{le="1",outcome="delivered"} ${String(n)}\n` +
    `delivery_duration_seconds_bucket{le="+Inf",outcome="delivered"} ${String(n)}\n`;

  it('computes the averages and the webhook p95 in ms from the first and last scrape', () => {
    const result = responseFigures([
      scrape(0, metrics(1)),
      scrape(500, metrics(2)),
      scrape(1000, metrics(3)),
    ]);
    expect(result).toEqual({
      figures: [
        { key: 'api', observations: 20, valueMs: 50 },
        { key: 'db', observations: 2, valueMs: 20 },
        { key: 'webhook', observations: 2, valueMs: 950 },
      ],
    });
  });

  it('reports a reset, and too few scrapes', () => {
    const result = responseFigures([scrape(0, metrics(3)), scrape(1000, metrics(1))]);
    expect('reset' in result && result.reset.length).toBeGreaterThan(0);
    expect(responseFigures([scrape(0, metrics(1))])).toEqual({ tooFew: 1 });
  });

  it('has no value without observations', () => {
    const result = responseFigures([scrape(0, metrics(1)), scrape(1000, metrics(1))]);
    expect(result).toEqual({
      figures: [
        { key: 'api', observations: 0, valueMs: undefined },
        { key: 'db', observations: 0, valueMs: undefined },
        { key: 'webhook', observations: 0, valueMs: undefined },
      ],
    });
  });
});
