import { describe, expect, it } from 'vitest';
import { loadTotals, type RouteLoad } from '../../../src/gates/builtin/tests/load-routes.ts';
import {
  routeFailure,
  routeMeasurements,
  routeSummary,
} from '../../../src/gates/builtin/tests/route-measurements.ts';

// How tests.performance judges and states one route's load (§1.2.3), from the figures alone.
const load = (route: string, figures: Partial<RouteLoad> = {}): RouteLoad => ({
  route,
  request: { method: 'GET', path: '/health', contentType: 'application/json' },
  responses: 100,
  averageMs: 12.5,
  p95Ms: 30,
  maxMs: 41,
  non2xx: 0,
  errors: 0,
  durationSeconds: 2,
  ...figures,
});

describe('routeMeasurements', () => {
  it('judges p95 and average below the limit, and no non-2xx, no error, some answer', () => {
    const figures = routeMeasurements(load('GET /health'), 500);
    expect(figures.map((f) => f.measurement)).toEqual([
      {
        name: 'GET /health: latency p95',
        value: 30,
        unit: 'ms',
        threshold: 500,
        comparison: '<',
        passed: true,
      },
      {
        name: 'GET /health: latency average',
        value: 12.5,
        unit: 'ms',
        threshold: 500,
        comparison: '<',
        passed: true,
      },
      {
        name: 'GET /health: non-2xx responses',
        value: 0,
        unit: 'count',
        threshold: 0,
        comparison: '==',
        passed: true,
      },
      {
        name: 'GET /health: errors and timeouts',
        value: 0,
        unit: 'count',
        threshold: 0,
        comparison: '==',
        passed: true,
      },
      {
        name: 'GET /health: requests sent',
        value: 100,
        unit: 'count',
        threshold: 0,
        comparison: '>',
        passed: true,
      },
    ]);
    expect(routeFailure('GET /health', figures)).toBeUndefined();
  });

  it('a latency equal to the limit fails (the spec says below)', () => {
    const figures = routeMeasurements(load('GET /health', { p95Ms: 500, averageMs: 499.99 }), 500);
    expect(routeFailure('GET /health', figures)).toBe('GET /health: p95 500 ms (limit < 500 ms)');
  });

  it('a route that never answered has no latency to judge and fails for it, with its errors', () => {
    const silent = load('POST /api/contact', {
      responses: 0,
      averageMs: undefined,
      p95Ms: undefined,
      maxMs: undefined,
      errors: 7,
    });
    const figures = routeMeasurements(silent, 500);
    expect(figures.map((f) => [f.measurement.name, f.measurement.passed])).toEqual([
      ['POST /api/contact: non-2xx responses', true],
      ['POST /api/contact: errors and timeouts', false],
      ['POST /api/contact: requests sent', false],
    ]);
    expect(routeFailure('POST /api/contact', figures)).toBe(
      'POST /api/contact: errors and timeouts 7 count (limit == 0), no response',
    );
    expect(routeSummary(silent)).toBe('POST /api/contact no response');
  });

  it('names every failed figure of a route, in order', () => {
    const figures = routeMeasurements(load('GET /slow', { p95Ms: 812, averageMs: 640, non2xx: 3 }), 500);
    expect(routeFailure('GET /slow', figures)).toBe(
      'GET /slow: p95 812 ms (limit < 500 ms), average 640 ms (limit < 500 ms), non-2xx responses 3 count (limit == 0)',
    );
  });
});

describe('routeSummary', () => {
  it('states the average and p95 of a route that answered', () => {
    expect(routeSummary(load('POST /api/contact'))).toBe('POST /api/contact 12.5 ms avg / 30 ms p95');
  });
});

describe('loadTotals', () => {
  it('weights each route’s average by its answers and divides all answers by the time spent', () => {
    const totals = loadTotals([
      load('GET /a', { responses: 300, averageMs: 10, durationSeconds: 1, non2xx: 1, errors: 2 }),
      load('GET /b', { responses: 100, averageMs: 50, durationSeconds: 3, non2xx: 4, errors: 0 }),
    ]);
    // (300·10 + 100·50) / 400 = 20; 400 answers in 4 s.
    expect(totals).toEqual({ responses: 400, requestsPerSecond: 100, averageMs: 20, non2xx: 5, errors: 2 });
  });

  it('is zero throughput and zero average when nothing answered or no time passed', () => {
    expect(loadTotals([])).toEqual({
      responses: 0,
      requestsPerSecond: 0,
      averageMs: 0,
      non2xx: 0,
      errors: 0,
    });
    const silent = load('GET /a', { responses: 0, averageMs: undefined, durationSeconds: 0, errors: 3 });
    expect(loadTotals([silent])).toEqual({
      responses: 0,
      requestsPerSecond: 0,
      averageMs: 0,
      non2xx: 0,
      errors: 3,
    });
  });

  it('rounds to two decimals', () => {
    const totals = loadTotals([load('GET /a', { responses: 10, averageMs: 1.234, durationSeconds: 3 })]);
    expect(totals).toMatchObject({ requestsPerSecond: 3.33, averageMs: 1.23 });
  });
});
