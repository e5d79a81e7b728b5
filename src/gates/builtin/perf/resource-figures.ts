import { heapTrend, leastSquaresSlope, minMemorySamples, type HeapTrend } from '../support/memory-trend.ts';
import { round2 } from '../support/percentiles.ts';
import { heapSamples, type ResourceReading } from './resource-readings.ts';

const mb = (bytes: number): number => bytes / 1024 / 1024;

/** A figure, or why there is none. */
export type Maybe<T> = { value: T } | { missing: string };

const missing = (why: string): { missing: string } => ({ missing: why });

/**
 * CPU over the window: the growth of process_cpu_seconds_total over the wall time between the
 * first and last reading that have it, as % of one core (divided by `cores` when given).
 */
export function cpuPercent(readings: readonly ResourceReading[], cores = 1): Maybe<number> {
  const withCpu = readings.filter((r) => r.cpuSeconds !== undefined);
  const first = withCpu[0];
  const last = withCpu.at(-1);
  if (withCpu.length < 2 || first?.cpuSeconds === undefined || last?.cpuSeconds === undefined)
    return missing(`${String(withCpu.length)} readings of process_cpu_seconds_total, 2 needed`);
  const seconds = (last.atMs - first.atMs) / 1_000;
  if (seconds <= 0) return missing('the CPU readings were all at one instant');
  return { value: round2(((last.cpuSeconds - first.cpuSeconds) / seconds / cores) * 100) };
}

/** The peak resident memory as % of `limitBytes` (the machine's or the configured limit). */
export function memoryPercent(
  readings: readonly ResourceReading[],
  limitBytes: number | undefined,
  noLimit: string,
): Maybe<{ percent: number; peakMb: number; limitMb: number }> {
  if (limitBytes === undefined) return missing(noLimit);
  const rss = readings.flatMap((r) => (r.rssBytes === undefined ? [] : [r.rssBytes]));
  if (rss.length === 0) return missing('/metrics has no process_resident_memory_bytes');
  const peak = Math.max(...rss);
  return {
    value: {
      percent: round2((peak / limitBytes) * 100),
      peakMb: round2(mb(peak)),
      limitMb: round2(mb(limitBytes)),
    },
  };
}

/** The peak of the pool's checked-out connections as % of database_pool_connections_max. */
export function poolPercent(
  readings: readonly ResourceReading[],
): Maybe<{ percent: number; peakInUse: number; max: number }> {
  const inUse = readings.flatMap((r) => (r.poolInUse === undefined ? [] : [r.poolInUse]));
  const max = readings.findLast((r) => r.poolMax !== undefined)?.poolMax;
  if (inUse.length === 0 || max === undefined) return missing('/metrics has no database pool gauges');
  if (max <= 0) return missing('database_pool_connections_max is 0');
  const peakInUse = Math.max(...inUse);
  return { value: { percent: round2((peakInUse / max) * 100), peakInUse, max } };
}

/** The heap floor's trend over the window (memory-trend.ts, as load.deployment judges it). */
export function heapFigure(readings: readonly ResourceReading[], windowMs: number): Maybe<HeapTrend> {
  const samples = heapSamples(readings);
  const trend = heapTrend(samples, windowMs);
  return trend
    ? { value: trend }
    : missing(
        `${String(samples.length)} heap readings, ${String(minMemorySamples)} at different moments needed`,
      );
}

/** The open handles' least-squares slope over every reading, projected over the window. */
export function handleGrowth(
  readings: readonly ResourceReading[],
  windowMs: number,
): Maybe<{ growth: number; start: number; end: number }> {
  const points = readings.flatMap((r) => (r.handles === undefined ? [] : [{ x: r.atMs, y: r.handles }]));
  const slope = points.length >= minMemorySamples ? leastSquaresSlope(points) : undefined;
  const first = points[0];
  const last = points.at(-1);
  if (slope === undefined || first === undefined || last === undefined)
    return missing(
      `${String(points.length)} readings of nodejs_active_handles, ${String(minMemorySamples)} at different moments needed`,
    );
  return { value: { growth: round2(slope * windowMs), start: first.y, end: last.y } };
}
