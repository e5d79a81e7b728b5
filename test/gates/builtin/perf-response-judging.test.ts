import { describe, expect, it } from 'vitest';
import { perfThresholds } from '../../../src/config/sections/perf-thresholds.ts';
import { judgeBaseline, median, recordedValues } from '../../../src/gates/builtin/perf/baseline.ts';
import { judgeResponseTimes, type Baseline } from '../../../src/gates/builtin/perf/judge-response-times.ts';
import type { Figure } from '../../../src/gates/builtin/perf/response-figures.ts';
import type { RecordedResult } from '../../../src/gates/builtin/perf/sql/recorded-figures.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';

const criteria = perfThresholds.parse(undefined).responseTimes;
const noData = (what: string): GateOutcome => ({ status: 'warn', summary: `no data: ${what}`, reason: what });

const recorded = (api: number[]): RecordedResult[] =>
  api.map((value, i) => ({
    deploymentId: `d${String(i)}`,
    version: `1.0.${String(i)}`,
    measurements: [{ name: 'API average response time', value, unit: 'ms' }],
  }));

const figures = (api: number, db = 10, webhook = 300, observations = 50): Figure[] => [
  { key: 'api', observations, valueMs: api },
  { key: 'db', observations, valueMs: db },
  { key: 'webhook', observations, valueMs: webhook },
];

const fullBaseline = (api: number): Baseline => ({
  results: [0, 1, 2].map((i) => ({
    deploymentId: `d${String(i)}`,
    version: '1',
    measurements: [
      { name: 'API average response time', value: api, unit: 'ms' },
      { name: 'database query average', value: 10, unit: 'ms' },
      { name: 'n8n webhook p95', value: 300, unit: 'ms' },
    ],
  })),
});

describe('baseline', () => {
  it('takes the median', () => {
    expect(median([])).toBeUndefined();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });

  it('reads back only the named figure in ms', () => {
    const results = [
      ...recorded([10, 20]),
      {
        deploymentId: 'x',
        version: 'x',
        measurements: [{ name: 'API average response time', value: 'a', unit: 'ms' }],
      },
      {
        deploymentId: 'y',
        version: 'y',
        measurements: [{ name: 'API average response time observations', value: 9, unit: 'count' }],
      },
    ];
    expect(recordedValues(results, 'API average response time')).toEqual([10, 20]);
  });

  it('is degraded above baseline × (1 + maxDegradation), no baseline below the minimum', () => {
    expect(judgeBaseline(150, [100, 90, 110], 3, 0.5)).toMatchObject({
      kind: 'within',
      baselineMs: 100,
      limitMs: 150,
    });
    expect(judgeBaseline(151, [100, 90, 110], 3, 0.5)).toMatchObject({ kind: 'degraded' });
    expect(judgeBaseline(1, [100, 90], 3, 0.5)).toEqual({ kind: 'none', deployments: 2, needed: 3 });
  });

  it('needs a degradation past the floor too: noise on a tiny figure is none', () => {
    expect(judgeBaseline(2.3, [0.9, 1, 1.1], 3, 0.5, 20)).toMatchObject({ kind: 'within', limitMs: 21 });
    expect(judgeBaseline(21.5, [0.9, 1, 1.1], 3, 0.5, 20)).toMatchObject({ kind: 'degraded' });
    expect(judgeBaseline(151, [100, 90, 110], 3, 0.5, 20)).toMatchObject({ kind: 'degraded', limitMs: 150 });
  });
});

describe('judgeResponseTimes', () => {
  it('passes when every figure is within its limit and its baseline', () => {
    const outcome = judgeResponseTimes(figures(40), criteria, fullBaseline(40), noData);
    expect(outcome.status).toBe('pass');
    expect(outcome.measurements?.find((m) => m.name === 'API average response time')).toMatchObject({
      value: 40,
      unit: 'ms',
      threshold: 500,
      passed: true,
    });
  });

  it('fails naming each figure over its limit', () => {
    const outcome = judgeResponseTimes(figures(40, 150, 2500), criteria, fullBaseline(40), noData);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('database query average 150 ms (limit < 100 ms)');
    expect(outcome.summary).toContain('n8n webhook p95 2500 ms (limit < 2000 ms)');
    expect(outcome.summary).not.toContain('API average response time 40 ms (limit');
  });

  it('fails on a degradation against the baseline', () => {
    const outcome = judgeResponseTimes(figures(61), criteria, fullBaseline(40), noData);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /performance degradation: API average response time 61 ms degraded: baseline 40 ms \(median of 3 deployments\), limit 60 ms/,
    );
  });

  it('never passes a figure with too few observations, and does not record its value', () => {
    const few: Figure[] = [
      { key: 'api', observations: 50, valueMs: 40 },
      { key: 'db', observations: 0, valueMs: undefined },
      { key: 'webhook', observations: 19, valueMs: 100 },
    ];
    const outcome = judgeResponseTimes(few, criteria, fullBaseline(40), noData);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('database query average (0 observations, 20 needed)');
    expect(outcome.summary).toContain('n8n webhook p95 (19 observations, 20 needed)');
    expect(outcome.summary).toContain(
      'API average response time 40 ms within: baseline 40 ms (median of 3 deployments), limit 60 ms',
    );
    expect(outcome.measurements?.map((m) => m.name)).not.toContain('n8n webhook p95');
  });

  it('is no data without a baseline yet, or when the recorded figures cannot be read', () => {
    const none = judgeResponseTimes(figures(40), criteria, { results: [] }, noData);
    expect(none.status).toBe('warn');
    expect(none.summary).toContain(
      'API average response time: no baseline yet (0 earlier succeeded deployments recorded it, 3 needed)',
    );
    const unread = judgeResponseTimes(figures(40), criteria, { failure: 'connection refused' }, noData);
    expect(unread.status).toBe('warn');
    expect(unread.summary).toContain('connection refused');
  });

  it('still fails a figure over its limit when others have no data', () => {
    const outcome = judgeResponseTimes(figures(600), criteria, { results: [] }, noData);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('API average response time 600 ms (limit < 500 ms)');
  });
});

describe('perf thresholds', () => {
  it('rejects unclear settings with a clear error', () => {
    expect(() => perfThresholds.parse({ responseTimes: { baselineMinimum: 6 } })).toThrow(
      /baselineMinimum must not exceed baselineDeployments/,
    );
    expect(() => perfThresholds.parse({ responseTimes: { window: '1s', sampleInterval: '2s' } })).toThrow(
      /sampleInterval must not exceed window/,
    );
    expect(() => perfThresholds.parse({ resources: { cpuPercent: 0 } })).toThrow(/above 0/);
    expect(() => perfThresholds.parse({ responseTimes: { probePaths: ['health'] } })).toThrow(
      /starting with \//,
    );
    expect(perfThresholds.parse({ responseTimes: { window: '5s' } }).responseTimes.window).toBe(5_000);
  });
});
