import { describe, expect, it } from 'vitest';
import { perfThresholds } from '../../../src/config/sections/perf-thresholds.ts';
import { judgeResources, type ResourceContext } from '../../../src/gates/builtin/perf/judge-resources.ts';
import {
  cpuPercent,
  handleGrowth,
  memoryPercent,
  poolPercent,
} from '../../../src/gates/builtin/perf/resource-figures.ts';
import { resourceReading, type ResourceReading } from '../../../src/gates/builtin/perf/resource-readings.ts';
import { memoryLimit } from '../../../src/gates/builtin/perf/resources.ts';
import { parsePrometheusText } from '../../../src/gates/builtin/support/prometheus-text.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';

const criteria = perfThresholds.parse(undefined).resources;
const noData = (what: string): GateOutcome => ({ status: 'warn', summary: `no data: ${what}`, reason: what });
const MB = 1024 * 1024;
const context: ResourceContext = { windowMs: 10_000, cores: 1, memoryLimitBytes: 1_000 * MB, noLimit: '' };

/** A steady release read every second for 10 s; `change` alters reading i. */
function readings(change: (i: number) => Partial<ResourceReading> = () => ({})): ResourceReading[] {
  return Array.from({ length: 11 }, (_, i) => ({
    atMs: i * 1_000,
    cpuSeconds: 5 + i * 0.1,
    rssBytes: 100 * MB,
    heapUsedBytes: (40 + (i % 2) * 5) * MB,
    handles: 12,
    poolInUse: 1,
    poolMax: 10,
    ...change(i),
  }));
}

describe('resource readings', () => {
  it('reads a scrape: handles summed over their types, pool in use as held minus idle', () => {
    const text = [
      'process_cpu_seconds_total 1.5',
      'process_resident_memory_bytes 104857600',
      'nodejs_heap_size_used_bytes 20971520',
      'nodejs_active_handles{type="Socket"} 4',
      'nodejs_active_handles{type="Timeout"} 3',
      'database_pool_connections 6',
      'database_pool_connections_idle 2',
      'database_pool_connections_max 10',
    ].join('\n');
    expect(resourceReading({ atMs: 7, samples: parsePrometheusText(text) })).toEqual({
      atMs: 7,
      cpuSeconds: 1.5,
      rssBytes: 100 * MB,
      heapUsedBytes: 20 * MB,
      handles: 7,
      poolInUse: 4,
      poolMax: 10,
    });
    expect(resourceReading({ atMs: 0, samples: [] }).handles).toBeUndefined();
  });
});

describe('resource figures', () => {
  it('takes CPU as the counter growth over wall time, of one core or of several', () => {
    expect(cpuPercent(readings())).toEqual({ value: 10 });
    expect(cpuPercent(readings(), 4)).toEqual({ value: 2.5 });
    expect(cpuPercent(readings().slice(0, 1))).toEqual({
      missing: '1 readings of process_cpu_seconds_total, 2 needed',
    });
  });

  it('takes the peak memory and pool use', () => {
    const peak = readings((i) => (i === 5 ? { rssBytes: 950 * MB, poolInUse: 9 } : {}));
    expect(memoryPercent(peak, 1_000 * MB, '')).toEqual({
      value: { percent: 95, peakMb: 950, limitMb: 1_000 },
    });
    expect(memoryPercent(peak, undefined, 'no limit')).toEqual({ missing: 'no limit' });
    expect(poolPercent(peak)).toEqual({ value: { percent: 90, peakInUse: 9, max: 10 } });
    expect(poolPercent(readings(() => ({ poolMax: undefined })))).toEqual({
      missing: '/metrics has no database pool gauges',
    });
  });

  it('projects the handles slope over the window', () => {
    expect(
      handleGrowth(
        readings((i) => ({ handles: 10 + i * 3 })),
        10_000,
      ),
    ).toEqual({ value: { growth: 30, start: 10, end: 40 } });
    expect(handleGrowth(readings().slice(0, 2), 10_000)).toEqual({
      missing: '2 readings of nodejs_active_handles, 3 at different moments needed',
    });
  });

  it('judges memory against the machine only on a loopback URL, else memoryLimitMb', () => {
    expect(memoryLimit({ memoryLimitMb: undefined }, 'http://127.0.0.1:3000', 8 * MB)).toEqual({
      bytes: 8 * MB,
      noLimit: '',
    });
    expect(memoryLimit({ memoryLimitMb: 512 }, 'https://leads.example.com', 8 * MB).bytes).toBe(512 * MB);
    expect(
      memoryLimit({ memoryLimitMb: undefined }, 'https://leads.example.com', 8 * MB).bytes,
    ).toBeUndefined();
  });
});

describe('judgeResources', () => {
  it('passes a steady release', () => {
    const outcome = judgeResources(readings(), criteria, context, noData);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('CPU 10 % of one core');
  });

  it('fails each figure over its limit, naming it', () => {
    const busy = readings((i) => ({ cpuSeconds: i * 0.9, rssBytes: 950 * MB, poolInUse: 9 }));
    const outcome = judgeResources(busy, criteria, context, noData);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('CPU 90 % of one core (limit < 80 %)');
    expect(outcome.summary).toContain('memory 95 %');
    expect(outcome.summary).toContain(
      'database connections 90 % of the pool (peak 9 in use of 10; limit < 80 %)',
    );
  });

  it('fails a sustained rise of the heap floor and of the handles as leaks', () => {
    const leaking = readings((i) => ({ heapUsedBytes: (40 + i * 10) * MB, handles: 12 + i * 5 }));
    const outcome = judgeResources(leaking, criteria, context, noData);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /heap 40 → 140 MB, floor trend [\d.]+ MB over the window \(limit < 50 MB\): a memory leak/,
    );
    expect(outcome.summary).toContain(
      'open handles 12 → 62, trend 50 over the window (limit < 20): a handle leak',
    );
  });

  it('does not count the garbage collector’s sawtooth as a leak', () => {
    const sawtooth = readings((i) => ({ heapUsedBytes: (40 + (i % 3) * 30) * MB }));
    expect(judgeResources(sawtooth, criteria, context, noData).status).toBe('pass');
  });

  it('is no data, never a pass, with too few readings or no memory limit', () => {
    const few = judgeResources(readings().slice(0, 2), criteria, context, noData);
    expect(few.status).toBe('warn');
    expect(few.summary).toContain('heap: 2 heap readings, 3 at different moments needed');
    const remote = judgeResources(
      readings(),
      criteria,
      { ...context, memoryLimitBytes: undefined, noLimit: 'unknown limit' },
      noData,
    );
    expect(remote.status).toBe('warn');
    expect(remote.summary).toContain('memory: unknown limit');
  });
});
