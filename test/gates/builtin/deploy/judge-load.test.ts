import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../src/config/schema.ts';
import { judgeLoad, type LoadCriteria } from '../../../../src/gates/builtin/deploy/judge-load.ts';
import type { MemorySample } from '../../../../src/gates/builtin/support/memory-trend.ts';
import type { LoadRun } from '../../../../src/gates/builtin/deploy/run-load.ts';
import type { MemorySampling } from '../../../../src/gates/builtin/deploy/sample-memory.ts';
import { noDataOutcome } from '../../../../src/gates/no-data.ts';
import { judged } from '../../support/judged.ts';

const MB = 1024 * 1024;
const criteria: LoadCriteria = { p95Ms: 500, maxErrors: 0, maxHeapGrowthMb: 50 };
const noData = (what: string) => noDataOutcome(configSchema.parse({}), 'load.deployment', what);

/** 100 answers of 1..100 ms over 10 s, every one 200. */
function aLoad(overrides: Partial<LoadRun> = {}): LoadRun {
  return {
    latencies: Array.from({ length: 100 }, (_, i) => i + 1),
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    durationMs: 10_000,
    statusCodes: { '200': 100 },
    ...overrides,
  };
}

/** Readings every second of 10 s, the heap growing `mbPerSecond`. */
function memoryOf(mbPerSecond: number, overrides: Partial<MemorySampling> = {}): MemorySampling {
  const samples: MemorySample[] = Array.from({ length: 11 }, (_, s) => ({
    atMs: s * 1_000,
    heapUsedBytes: (40 + mbPerSecond * s) * MB,
    rssBytes: (120 + s) * MB,
  }));
  return { samples, failures: 0, lastFailure: null, ...overrides };
}

describe('judgeLoad', () => {
  it('passes a load within the SLA, without errors, the heap steady, with its figures', () => {
    const outcome = judgeLoad(aLoad(), memoryOf(0.5), criteria, noData);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe(
      '100 requests in 10.0 s (10 req/s), p50 50 / p95 95 / p99 99 ms, 0 errors; heap 40 → 45 MB (+5 MB trend over the run), RSS 120 → 130 MB',
    );
    expect(judged(outcome)).toEqual([
      { name: 'requests', value: 100, threshold: 0, comparison: '>', passed: true },
      { name: 'latency p95', value: 95, threshold: 500, comparison: '<=', passed: true },
      { name: 'errors', value: 0, threshold: 0, comparison: '<=', passed: true },
      { name: 'memory readings', value: 11, threshold: 3, comparison: '>=', passed: true },
      { name: 'heap growth over the run', value: 5, threshold: 50, comparison: '<', passed: true },
    ]);
    expect(outcome.measurements?.map((m) => `${m.name} ${String(m.value)} ${m.unit}`)).toEqual([
      'requests 100 count',
      'latency p50 50 ms',
      'latency p95 95 ms',
      'latency p99 99 ms',
      'errors 0 count',
      'non-2xx responses 0 count',
      'connection errors and timeouts 0 count',
      'throughput 10 req/s',
      'memory readings 11 count',
      'heap used at start 40 MB',
      'heap used at end 45 MB',
      'heap slope 0.5 MB/s',
      'heap growth over the run 5 MB',
      'resident memory at start 120 MB',
      'resident memory at end 130 MB',
    ]);
    expect(outcome.evidence?.[0]).toEqual({
      kind: 'rows',
      title: 'answers by status',
      content: [{ status: '200', count: 100 }],
    });
    expect((outcome.evidence?.[1]?.content as unknown[])[1]).toEqual({
      's after start': 1,
      'heap MB': 40.5,
      'RSS MB': 121,
    });
  });

  it('judges p95 against the SLA: at it passes, over it fails', () => {
    expect(judgeLoad(aLoad(), memoryOf(0), { ...criteria, p95Ms: 95 }, noData).status).toBe('pass');
    const over = judgeLoad(aLoad(), memoryOf(0), { ...criteria, p95Ms: 94 }, noData);
    expect(over.status).toBe('fail');
    expect(over.summary).toMatch(/^p95 95 ms over the 94 ms SLA — 100 requests/);
  });

  it('counts non-2xx answers and connection errors together against maxErrors', () => {
    const load = aLoad({ non2xx: 3, errors: 2, timeouts: 1, statusCodes: { '200': 97, '503': 2, '404': 1 } });
    const failed = judgeLoad(load, memoryOf(0), { ...criteria, maxErrors: 4 }, noData);
    expect(failed.status).toBe('fail');
    expect(failed.summary).toMatch(
      /^5 errors \(limit 4\): 3 non-2xx \(404 ×1, 503 ×2\), 2 connection errors and timeouts — .*, 5 errors;/,
    );
    expect(judgeLoad(load, memoryOf(0), { ...criteria, maxErrors: 5 }, noData).status).toBe('pass');
    // Connection errors alone: no status to list.
    const refused = judgeLoad(aLoad({ errors: 1 }), memoryOf(0), criteria, noData);
    expect(refused.summary).toMatch(/^1 error \(limit 0\): 0 non-2xx, 1 connection errors and timeouts — /);
  });

  it('fails a heap whose trend over the run reaches maxHeapGrowthMb: a leak', () => {
    const leak = judgeLoad(aLoad(), memoryOf(5), criteria, noData);
    expect(leak.status).toBe('fail');
    expect(leak.summary).toMatch(/^heap grew 50 MB over the run \(limit < 50 MB\): a memory leak — /);
    expect(judgeLoad(aLoad(), memoryOf(4.9), criteria, noData).status).toBe('pass');
    // A shrinking heap is no leak, and its trend reads as negative.
    const shrinking = judgeLoad(aLoad(), memoryOf(-1), criteria, noData);
    expect(shrinking.status).toBe('pass');
    expect(shrinking.summary).toContain('(-10 MB trend over the run)');
  });

  it('fails a load nothing answered, with no latency to judge', () => {
    const outcome = judgeLoad(
      aLoad({ latencies: [], durationMs: 0, statusCodes: {} }),
      memoryOf(0),
      criteria,
      noData,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^no request was answered — 0 requests in 0\.0 s \(0 req\/s\), no latency, 0 errors;/,
    );
    expect(outcome.measurements?.some((m) => m.name.startsWith('latency'))).toBe(false);
  });

  it('is no data, never a pass, with too few memory readings; the policy decides the status', () => {
    const memory = memoryOf(0, { failures: 9, lastFailure: '/metrics answered 404' });
    const outcome = judgeLoad(aLoad(), { ...memory, samples: memory.samples.slice(0, 2) }, criteria, noData);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe(
      'no data: 2 heap readings of /metrics during the load, 3 at different moments needed to judge memory; last: /metrics answered 404 — 100 requests in 10.0 s (10 req/s), p50 50 / p95 95 / p99 99 ms, 0 errors; memory not judged (2 heap readings)',
    );
    expect(outcome.reason).toMatch(/\(no-data policy: warn\)$/);
    expect(judged(outcome).at(-1)).toEqual({
      name: 'memory readings',
      value: 2,
      threshold: 3,
      comparison: '>=',
      passed: false,
    });
    const asError = judgeLoad(aLoad(), { samples: [], failures: 0, lastFailure: null }, criteria, (what) => ({
      status: 'error',
      summary: `no data: ${what}`,
      reason: what,
    }));
    expect(asError.status).toBe('error');
    expect(asError.reason).toBe(
      '0 heap readings of /metrics during the load, 3 at different moments needed to judge memory',
    );
  });

  it('fails, naming no data as well, when the load failed and memory could not be read', () => {
    const outcome = judgeLoad(
      aLoad({ non2xx: 1 }),
      { samples: [], failures: 3, lastFailure: 'x' },
      criteria,
      noData,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/memory not judged \(0 heap readings\)$/);
  });

  it('leaves resident memory out when the release does not report it', () => {
    const memory = memoryOf(0);
    const outcome = judgeLoad(
      aLoad(),
      { ...memory, samples: memory.samples.map((s) => ({ ...s, rssBytes: undefined })) },
      criteria,
      noData,
    );
    expect(outcome.summary).toMatch(/\(\+0 MB trend over the run\)$/);
    expect(outcome.measurements?.some((m) => m.name.startsWith('resident memory'))).toBe(false);
    expect((outcome.evidence?.[1]?.content as Record<string, unknown>[])[0]?.['RSS MB']).toBeNull();
  });
});
