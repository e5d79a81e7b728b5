import type { DeployLoadSettings } from '../../../config/sections/deploy-load-thresholds.ts';
import { formatSeconds } from '../../../text/duration.ts';
import type { Evidence, GateOutcome, Measurement } from '../../gate.ts';
import { measure, plural } from '../support/outcome.ts';
import { heapTrend, minMemorySamples, type HeapTrend } from '../support/memory-trend.ts';
import { percentile, round2 } from '../support/percentiles.ts';
import type { LoadRun } from './run-load.ts';
import type { MemorySampling } from './sample-memory.ts';

export type LoadCriteria = Pick<DeployLoadSettings, 'p95Ms' | 'maxErrors' | 'maxHeapGrowthMb'>;

/** `503 ×4, 500 ×1`: the answers that were not 2xx. */
function non2xxCodes(statusCodes: Readonly<Record<string, number>>): string {
  return Object.entries(statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, count]) => `${code} ×${String(count)}`)
    .join(', ');
}

function memoryMeasurements(trend: HeapTrend | undefined, criteria: LoadCriteria): Measurement[] {
  if (!trend) return [];
  return [
    measure('heap used at start', trend.heapStartMb, 'MB'),
    measure('heap used at end', trend.heapEndMb, 'MB'),
    measure('heap slope', trend.slopeMbPerSecond, 'MB/s'),
    measure('heap growth over the run', trend.projectedGrowthMb, 'MB', criteria.maxHeapGrowthMb, '<'),
    ...(trend.rssStartMb === undefined ? [] : [measure('resident memory at start', trend.rssStartMb, 'MB')]),
    ...(trend.rssEndMb === undefined ? [] : [measure('resident memory at end', trend.rssEndMb, 'MB')]),
  ];
}

function memoryFigures(trend: HeapTrend | undefined, samples: number): string {
  if (!trend) return `memory not judged (${String(samples)} heap readings)`;
  const growth = `${trend.projectedGrowthMb >= 0 ? '+' : ''}${String(trend.projectedGrowthMb)}`;
  const rss =
    trend.rssStartMb === undefined ? '' : `, RSS ${String(trend.rssStartMb)} → ${String(trend.rssEndMb)} MB`;
  return `heap ${String(trend.heapStartMb)} → ${String(trend.heapEndMb)} MB (${growth} MB trend over the run)${rss}`;
}

function evidenceOf(load: LoadRun, memory: MemorySampling): Evidence[] {
  const mb = (bytes: number | undefined) => (bytes === undefined ? null : round2(bytes / 1024 / 1024));
  return [
    {
      kind: 'rows',
      title: 'answers by status',
      content: Object.entries(load.statusCodes).map(([status, count]) => ({ status, count })),
    },
    {
      kind: 'rows',
      title: 'memory readings of /metrics',
      content: memory.samples.map((s) => ({
        's after start': round2(s.atMs / 1_000),
        'heap MB': mb(s.heapUsedBytes),
        'RSS MB': mb(s.rssBytes),
      })),
    },
  ];
}

/**
 * §2.3.2: the release answered (at least one response), its p95 latency is within the SLA, its
 * errors (non-2xx, connection errors, timeouts) within `maxErrors`, and no memory leak: the heap
 * floor's least-squares slope times the run's duration is below `maxHeapGrowthMb`. Fewer than
 * `minMemorySamples` readings leave memory unjudged: `noData`'s outcome, unless the load failed.
 */
export function judgeLoad(
  load: LoadRun,
  memory: MemorySampling,
  criteria: LoadCriteria,
  noData: (what: string) => GateOutcome,
): GateOutcome {
  const responses = load.latencies.length;
  const [p50, p95, p99] = [50, 95, 99].map((p) => {
    const value = percentile(load.latencies, p);
    return value === undefined ? undefined : round2(value);
  });
  const errors = load.non2xx + load.errors;
  const seconds = load.durationMs / 1_000;
  const rps = seconds > 0 ? round2(responses / seconds) : 0;
  const trend = heapTrend(memory.samples, load.durationMs);
  const measurements = [
    measure('requests', responses, 'count', 0, '>'),
    ...(p50 === undefined ? [] : [measure('latency p50', p50, 'ms')]),
    ...(p95 === undefined ? [] : [measure('latency p95', p95, 'ms', criteria.p95Ms, '<=')]),
    ...(p99 === undefined ? [] : [measure('latency p99', p99, 'ms')]),
    measure('errors', errors, 'count', criteria.maxErrors, '<='),
    measure('non-2xx responses', load.non2xx, 'count'),
    measure('connection errors and timeouts', load.errors, 'count'),
    measure('throughput', rps, 'req/s'),
    measure('memory readings', memory.samples.length, 'count', minMemorySamples, '>='),
    ...memoryMeasurements(trend, criteria),
  ];
  const failures: string[] = [];
  if (responses === 0) failures.push('no request was answered');
  if (p95 !== undefined && p95 > criteria.p95Ms)
    failures.push(`p95 ${String(p95)} ms over the ${String(criteria.p95Ms)} ms SLA`);
  if (errors > criteria.maxErrors) {
    const codes = non2xxCodes(load.statusCodes);
    failures.push(
      `${plural(errors, 'error')} (limit ${String(criteria.maxErrors)}): ${String(load.non2xx)} non-2xx${codes ? ` (${codes})` : ''}, ${String(load.errors)} connection errors and timeouts`,
    );
  }
  if (trend && trend.projectedGrowthMb >= criteria.maxHeapGrowthMb)
    failures.push(
      `heap grew ${String(trend.projectedGrowthMb)} MB over the run (limit < ${String(criteria.maxHeapGrowthMb)} MB): a memory leak`,
    );
  const latency =
    p95 === undefined ? 'no latency' : `p50 ${String(p50)} / p95 ${String(p95)} / p99 ${String(p99)} ms`;
  const figures = `${String(responses)} requests in ${formatSeconds(load.durationMs)} (${String(rps)} req/s), ${latency}, ${plural(errors, 'error')}; ${memoryFigures(trend, memory.samples.length)}`;
  const judged = { measurements, evidence: evidenceOf(load, memory) };
  if (failures.length > 0)
    return { status: 'fail', summary: `${failures.join('; ')} — ${figures}`, ...judged };
  if (!trend) {
    const why = memory.lastFailure ? `; last: ${memory.lastFailure}` : '';
    const outcome = noData(
      `${String(memory.samples.length)} heap readings of /metrics during the load, ${String(minMemorySamples)} at different moments needed to judge memory${why}`,
    );
    return { ...outcome, summary: `${outcome.summary} — ${figures}`, ...judged };
  }
  return { status: 'pass', summary: figures, ...judged };
}
