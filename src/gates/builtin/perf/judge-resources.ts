import type { ResourcesSettings } from '../../../config/sections/perf-thresholds.ts';
import type { Evidence, GateOutcome, Measurement } from '../../gate.ts';
import { measure } from '../support/outcome.ts';
import { round2 } from '../support/percentiles.ts';
import {
  cpuPercent,
  handleGrowth,
  heapFigure,
  memoryPercent,
  poolPercent,
  type Maybe,
} from './resource-figures.ts';
import type { ResourceReading } from './resource-readings.ts';

export type ResourceCriteria = Pick<
  ResourcesSettings,
  'cpuPercent' | 'memoryPercent' | 'poolPercent' | 'maxHeapGrowthMb' | 'maxHandleGrowth'
>;

/** What the gate knows besides the readings. */
export interface ResourceContext {
  readonly windowMs: number;
  /** 1: % of one core; the host's cores with cpuPerCore. */
  readonly cores: number;
  /** The memory the release may use; undefined when unknown, with `noLimit` saying why. */
  readonly memoryLimitBytes: number | undefined;
  readonly noLimit: string;
}

interface Verdict {
  readonly failure?: string;
  readonly gap?: string;
  readonly figure?: string;
  readonly measurements: Measurement[];
}

function judged<T>(
  name: string,
  figure: Maybe<T>,
  judge: (value: T) => { over: boolean; text: string; measurements: Measurement[] },
): Verdict {
  if ('missing' in figure) return { gap: `${name}: ${figure.missing}`, measurements: [] };
  const { over, text, measurements } = judge(figure.value);
  return over ? { failure: text, figure: text, measurements } : { figure: text, measurements };
}

function verdicts(readings: readonly ResourceReading[], c: ResourceCriteria, x: ResourceContext): Verdict[] {
  const core = x.cores === 1 ? 'of one core' : `of ${String(x.cores)} cores`;
  return [
    judged('CPU', cpuPercent(readings, x.cores), (v) => ({
      over: v >= c.cpuPercent,
      text: `CPU ${String(v)} % ${core} (limit < ${String(c.cpuPercent)} %)`,
      measurements: [measure('CPU', v, '%', c.cpuPercent, '<')],
    })),
    judged('memory', memoryPercent(readings, x.memoryLimitBytes, x.noLimit), (v) => ({
      over: v.percent >= c.memoryPercent,
      text: `memory ${String(v.percent)} % (peak RSS ${String(v.peakMb)} of ${String(v.limitMb)} MB; limit < ${String(c.memoryPercent)} %)`,
      measurements: [
        measure('memory', v.percent, '%', c.memoryPercent, '<'),
        measure('peak resident memory', v.peakMb, 'MB'),
      ],
    })),
    judged('database connections', poolPercent(readings), (v) => ({
      over: v.percent >= c.poolPercent,
      text: `database connections ${String(v.percent)} % of the pool (peak ${String(v.peakInUse)} in use of ${String(v.max)}; limit < ${String(c.poolPercent)} %)`,
      measurements: [measure('database connections in use', v.percent, '%', c.poolPercent, '<')],
    })),
    judged('heap', heapFigure(readings, x.windowMs), (t) => ({
      over: t.projectedGrowthMb >= c.maxHeapGrowthMb,
      text: `heap ${String(t.heapStartMb)} → ${String(t.heapEndMb)} MB, floor trend ${String(t.projectedGrowthMb)} MB over the window (limit < ${String(c.maxHeapGrowthMb)} MB)${t.projectedGrowthMb >= c.maxHeapGrowthMb ? ': a memory leak' : ''}`,
      measurements: [
        measure('heap growth over the window', t.projectedGrowthMb, 'MB', c.maxHeapGrowthMb, '<'),
      ],
    })),
    judged('open handles', handleGrowth(readings, x.windowMs), (h) => ({
      over: h.growth >= c.maxHandleGrowth,
      text: `open handles ${String(h.start)} → ${String(h.end)}, trend ${String(h.growth)} over the window (limit < ${String(c.maxHandleGrowth)})${h.growth >= c.maxHandleGrowth ? ': a handle leak' : ''}`,
      measurements: [
        measure('open handles growth over the window', h.growth, 'count', c.maxHandleGrowth, '<'),
      ],
    })),
  ];
}

function readingRows(readings: readonly ResourceReading[]): Evidence {
  const mb = (b: number | undefined) => (b === undefined ? null : round2(b / 1024 / 1024));
  return {
    kind: 'rows',
    title: 'resource readings of /metrics',
    content: readings.map((r) => ({
      's after start': round2(r.atMs / 1_000),
      'CPU s': r.cpuSeconds ?? null,
      'RSS MB': mb(r.rssBytes),
      'heap MB': mb(r.heapUsedBytes),
      handles: r.handles ?? null,
      'pool in use': r.poolInUse ?? null,
    })),
  };
}

/**
 * §3.2.2: CPU, memory and the pool's connections below their limits, no leak of heap or handles.
 * Fails naming each figure over; a figure that could not be had is the no-data policy's outcome
 * (never a pass), named.
 */
export function judgeResources(
  readings: readonly ResourceReading[],
  criteria: ResourceCriteria,
  context: ResourceContext,
  noData: (what: string) => GateOutcome,
  evidence: readonly Evidence[] = [],
): GateOutcome {
  const all = verdicts(readings, criteria, context);
  const failures = all.flatMap((v) => (v.failure === undefined ? [] : [v.failure]));
  const gaps = all.flatMap((v) => (v.gap === undefined ? [] : [v.gap]));
  const figures = all.flatMap((v) => (v.figure === undefined || v.failure !== undefined ? [] : [v.figure]));
  const result = {
    measurements: [measure('readings', readings.length, 'count'), ...all.flatMap((v) => v.measurements)],
    evidence: [readingRows(readings), ...evidence],
  };
  const rest = [...figures, ...(gaps.length > 0 ? [`not judged: ${gaps.join('; ')}`] : [])].join('; ');
  if (failures.length > 0)
    return { status: 'fail', summary: `${failures.join('; ')}${rest ? ` — ${rest}` : ''}`, ...result };
  if (gaps.length > 0) {
    const outcome = noData(gaps.join('; '));
    return {
      ...outcome,
      summary: `${outcome.summary}${figures.length > 0 ? ` — ${figures.join('; ')}` : ''}`,
      ...result,
    };
  }
  return { status: 'pass', summary: figures.join('; '), ...result };
}
