import { round2 } from '../support/percentiles.ts';
import type { RecordedResult } from './sql/recorded-figures.ts';

/** The middle value (the mean of the two middle ones for an even count); undefined when empty. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

/** The figure `name` (ms) each earlier result recorded; results without it are left out. */
export function recordedValues(results: readonly RecordedResult[], name: string): number[] {
  return results.flatMap((result) => {
    const found = result.measurements.find((m) => m.name === name && m.unit === 'ms');
    return typeof found?.value === 'number' && Number.isFinite(found.value) ? [found.value] : [];
  });
}

export type BaselineJudgement =
  | { kind: 'none'; deployments: number; needed: number }
  | { kind: 'within' | 'degraded'; baselineMs: number; limitMs: number; deployments: number };

/**
 * A figure against its baseline, the median of `recorded`: degraded above baseline × (1 +
 * `maxDegradation`) and above baseline + `floorMs` (both: a tiny figure's noise is no
 * degradation); fewer than `minimum` recorded values is no baseline yet (never "within").
 */
export function judgeBaseline(
  valueMs: number,
  recorded: readonly number[],
  minimum: number,
  maxDegradation: number,
  floorMs = 0,
): BaselineJudgement {
  const baseline = median(recorded);
  if (baseline === undefined || recorded.length < minimum)
    return { kind: 'none', deployments: recorded.length, needed: minimum };
  const limitMs = round2(Math.max(baseline * (1 + maxDegradation), baseline + floorMs));
  return {
    kind: valueMs > limitMs ? 'degraded' : 'within',
    baselineMs: round2(baseline),
    limitMs,
    deployments: recorded.length,
  };
}
