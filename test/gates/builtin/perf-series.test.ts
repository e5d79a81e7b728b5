import { describe, expect, it } from 'vitest';
import { scrapedReadings, scrapesFromSeries } from '../../../src/gates/builtin/perf/scrapes-from-series.ts';
import { responseFigures } from '../../../src/gates/builtin/perf/response-figures.ts';
import { seriesSelector } from '../../../src/gates/builtin/support/prometheus-api.ts';

describe('readings from a Prometheus range query', () => {
  it('asks for the metrics by name, with the configured matchers', () => {
    expect(seriesSelector(['a_total', 'b'], '')).toBe('{__name__=~"a_total|b"}');
    expect(seriesSelector(['a'], ' job="hermes", ')).toBe('{__name__=~"a", job="hermes"}');
  });

  it('regroups the series by evaluation time, ms after the window opened, without __name__', () => {
    const started = 1_700_000_000_000;
    const scrapes = scrapesFromSeries(
      [
        {
          metric: { __name__: 'x_total', job: 'j' },
          values: [
            [1_700_000_001, 1],
            [1_700_000_002, 3],
          ],
        },
        { metric: { __name__: 'y', job: 'j' }, values: [[1_700_000_002, NaN]] },
        { metric: { job: 'nameless' }, values: [[1_700_000_001, 9]] },
      ],
      started,
    );
    expect(scrapes).toEqual([
      { atMs: 1_000, samples: [{ name: 'x_total', labels: { job: 'j' }, value: 1 }] },
      {
        atMs: 2_000,
        samples: [
          { name: 'x_total', labels: { job: 'j' }, value: 3 },
          { name: 'y', labels: { job: 'j' }, value: NaN },
        ],
      },
    ]);
  });

  it('gives the judges what /metrics would: a counter that went down is a reset', () => {
    const count = 'http_request_duration_seconds_count';
    const scrapes = scrapesFromSeries(
      [
        {
          metric: { __name__: count, route: '/', instance: 'a:1' },
          values: [
            [1, 10],
            [2, 12],
            [3, 1],
          ],
        },
      ],
      0,
    );
    expect(responseFigures(scrapes)).toEqual({ reset: [`${count}{instance="a:1",route="/"}`] });
  });

  it('keeps only the times every instance had been scraped, and up', () => {
    const up = (value: number, instance: string) => ({ name: 'up', labels: { instance }, value });
    const x = { name: 'x_total', labels: {}, value: 1 };
    expect(
      scrapedReadings([
        { atMs: 0, samples: [x] },
        { atMs: 1, samples: [up(1, 'a'), up(0, 'b')] },
        { atMs: 2, samples: [up(1, 'a'), up(1, 'b')] },
      ]),
    ).toEqual([{ atMs: 2, samples: [up(1, 'a'), up(1, 'b')] }]);
  });
});
