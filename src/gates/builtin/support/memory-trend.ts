import { round2 } from './percentiles.ts';

/** One reading of the release's memory, `atMs` after the load started. */
export interface MemorySample {
  readonly atMs: number;
  readonly heapUsedBytes: number;
  /** Absent when the release does not expose process_resident_memory_bytes. */
  readonly rssBytes: number | undefined;
}

/** Fewer heap readings than this give no trend worth judging: two points always make a line. */
export const minMemorySamples = 3;

const mb = (bytes: number): number => bytes / 1024 / 1024;

/**
 * The least-squares slope of `y` over `x` (units of y per unit of x); undefined with fewer than
 * two points or when every x is the same.
 */
export function leastSquaresSlope(points: readonly { x: number; y: number }[]): number | undefined {
  const n = points.length;
  if (n < 2) return undefined;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let covariance = 0;
  let variance = 0;
  for (const p of points) {
    covariance += (p.x - meanX) * (p.y - meanY);
    variance += (p.x - meanX) ** 2;
  }
  return variance === 0 ? undefined : covariance / variance;
}

/** The first part of a run, where a fresh release fills its caches and JIT: not a leak. */
const warmUpShare = 0.2;

/** The floor is the lowest reading of each of at most this many equal parts of the settled run. */
const floorWindows = 4;

/**
 * The heap's floor after the warm-up: the lowest reading of each part of the run, in time order
 * (the lows the garbage collector leaves; at least 3 readings a part). Garbage a collection has
 * not reached yet is not a leak; a floor that keeps rising is.
 */
export function heapFloor(samples: readonly MemorySample[], runMs: number): MemorySample[] {
  const settled = samples.filter((s) => s.atMs >= runMs * warmUpShare);
  const parts = Math.min(floorWindows, Math.floor(settled.length / 3));
  if (parts < 2) return [];
  const size = settled.length / parts;
  return Array.from({ length: parts }, (_, part) =>
    settled
      .slice(Math.round(part * size), Math.round((part + 1) * size))
      .reduce((low, s) => (s.heapUsedBytes < low.heapUsedBytes ? s : low)),
  );
}

/** What the heap did over the load. */
export interface HeapTrend {
  readonly samples: number;
  readonly heapStartMb: number;
  readonly heapEndMb: number;
  /** The least-squares slope of the heap's floor after the warm-up (MB/s; every reading when too few for a floor). */
  readonly slopeMbPerSecond: number;
  /** The slope over the run's duration: how much the heap's floor grew, garbage collection's sawtooth left out. */
  readonly projectedGrowthMb: number;
  readonly rssStartMb: number | undefined;
  readonly rssEndMb: number | undefined;
}

/**
 * The heap's trend over a run of `runMs`: undefined with fewer than `minMemorySamples` readings
 * (or all at one instant), which is no data, never "no leak".
 */
export function heapTrend(samples: readonly MemorySample[], runMs: number): HeapTrend | undefined {
  const first = samples[0];
  const last = samples.at(-1);
  if (samples.length < minMemorySamples || first === undefined || last === undefined) return undefined;
  const floor = heapFloor(samples, runMs);
  const fitted = floor.length > 0 ? floor : samples;
  const slopePerMs = leastSquaresSlope(fitted.map((s) => ({ x: s.atMs, y: mb(s.heapUsedBytes) })));
  if (slopePerMs === undefined) return undefined;
  const rss = samples.flatMap((s) => (s.rssBytes === undefined ? [] : [round2(mb(s.rssBytes))]));
  return {
    samples: samples.length,
    heapStartMb: round2(mb(first.heapUsedBytes)),
    heapEndMb: round2(mb(last.heapUsedBytes)),
    slopeMbPerSecond: round2(slopePerMs * 1_000),
    projectedGrowthMb: round2(slopePerMs * runMs),
    rssStartMb: rss[0],
    rssEndMb: rss.at(-1),
  };
}
