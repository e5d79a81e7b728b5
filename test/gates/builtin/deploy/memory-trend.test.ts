import { describe, expect, it } from 'vitest';
import {
  heapFloor,
  heapTrend,
  leastSquaresSlope,
  minMemorySamples,
  type MemorySample,
} from '../../../../src/gates/builtin/support/memory-trend.ts';

const MB = 1024 * 1024;
const sample = (atMs: number, heapMb: number, rssMb?: number): MemorySample => ({
  atMs,
  heapUsedBytes: heapMb * MB,
  rssBytes: rssMb === undefined ? undefined : rssMb * MB,
});

describe('leastSquaresSlope', () => {
  it('is the slope of a straight line exactly', () => {
    expect(
      leastSquaresSlope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBe(2);
  });

  it('fits every point by least squares, not the line through the ends', () => {
    // The ends alone give (4 - 2) / 4 = 0.5; least squares: covariance 4 over variance 10.
    const points = [2, 0, 0, 0, 4].map((y, x) => ({ x, y }));
    expect(leastSquaresSlope(points)).toBeCloseTo(0.4, 10);
  });

  it('is undefined with fewer than two points or every x the same', () => {
    expect(leastSquaresSlope([])).toBeUndefined();
    expect(leastSquaresSlope([{ x: 1, y: 1 }])).toBeUndefined();
    expect(
      leastSquaresSlope([
        { x: 1, y: 1 },
        { x: 1, y: 9 },
      ]),
    ).toBeUndefined();
  });
});

describe('heapTrend', () => {
  it('projects the slope over the run: 5 MB/s for 10 s is 50 MB', () => {
    const samples = [0, 1, 2, 3, 4].map((s) => sample(s * 1_000, 100 + 5 * s, 200 + s));
    expect(heapTrend(samples, 10_000)).toEqual({
      samples: 5,
      heapStartMb: 100,
      heapEndMb: 120,
      slopeMbPerSecond: 5,
      projectedGrowthMb: 50,
      rssStartMb: 200,
      rssEndMb: 204,
    });
  });

  it("sees no growth in garbage collection's sawtooth that ends where it started", () => {
    const heights = [40, 60, 80, 40, 60, 80, 40, 60, 80, 40];
    // Heap at the end above the start would read as growth; the fitted line is nearly flat.
    const trend = heapTrend(
      heights.map((mb, i) => sample(i * 1_000, mb)),
      10_000,
    );
    expect(Math.abs(trend?.projectedGrowthMb ?? Infinity)).toBeLessThan(10);
  });

  it('a falling heap has a negative trend', () => {
    const trend = heapTrend([sample(0, 90), sample(1_000, 80), sample(2_000, 70)], 2_000);
    expect(trend?.projectedGrowthMb).toBe(-20);
    expect(trend?.slopeMbPerSecond).toBe(-10);
  });

  it('leaves RSS out when the release does not expose it', () => {
    const trend = heapTrend([sample(0, 1), sample(1_000, 1), sample(2_000, 1)], 2_000);
    expect(trend).toMatchObject({ rssStartMb: undefined, rssEndMb: undefined, projectedGrowthMb: 0 });
  });

  it(`is no trend with fewer than ${String(minMemorySamples)} readings, or all at one moment`, () => {
    expect(minMemorySamples).toBe(3);
    expect(heapTrend([], 1_000)).toBeUndefined();
    expect(heapTrend([sample(0, 10), sample(1_000, 500)], 1_000)).toBeUndefined();
    expect(heapTrend([sample(5, 10), sample(5, 20), sample(5, 30)], 1_000)).toBeUndefined();
  });
});

describe('heapFloor', () => {
  // A sawtooth: garbage piles up for three readings, a collection takes it back to the floor.
  const sawtooth = (floorAt: (second: number) => number) =>
    Array.from({ length: 20 }, (_, second) => sample(second * 1_000, floorAt(second) + (second % 4) * 10));

  it('keeps only the lows after the warm-up, so collected garbage is no growth', () => {
    const floor = heapFloor(
      sawtooth(() => 40),
      20_000,
    );
    expect(floor).toHaveLength(4);
    expect(floor.every((s) => s.heapUsedBytes === 40 * MB)).toBe(true);
    expect(floor[0]?.atMs).toBeGreaterThanOrEqual(4_000);
    expect(
      heapTrend(
        sawtooth(() => 40),
        20_000,
      )?.projectedGrowthMb,
    ).toBe(0);
  });

  it('follows a floor that keeps rising: a leak', () => {
    const trend = heapTrend(
      sawtooth((second) => 40 + second * 2),
      20_000,
    );
    expect(trend?.projectedGrowthMb).toBeGreaterThan(30);
  });

  it('falls back to every reading when too few are left for a floor', () => {
    const falling = [sample(0, 90), sample(5_000, 80), sample(10_000, 70)];
    expect(heapFloor(falling, 10_000)).toEqual([]);
    expect(heapTrend(falling, 10_000)?.slopeMbPerSecond).toBe(-2);
  });
});
