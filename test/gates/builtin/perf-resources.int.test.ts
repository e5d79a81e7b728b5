import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcesGate } from '../../../src/gates/builtin/perf/resources.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { standInRelease } from './support/perf-fixtures.ts';

// perf.resources against a real release (`hermes serve` on a migrated database); a leaking, a busy
// and a restarting release are stand-in /metrics servers (a real one cannot leak on demand).

let db: TestDatabase;
let release: ServeProcess;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: true });
  release = await startServe({
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    HERMES_RATE_LIMIT: 'off',
  });
}, 60_000);
afterAll(async () => {
  release.child.kill('SIGTERM');
  await db.drop();
});

const short = { window: '3s', sampleInterval: '200ms', probeRate: 20 };

function run(url: string, resources: Record<string, unknown> = {}, noData?: string): Promise<GateOutcome> {
  const ctx = gateContext({
    databaseUrl: db.url,
    config: {
      gates: {
        ...(noData ? { noData } : {}),
        thresholds: { perf: { resources: { ...short, ...resources } } },
      },
    },
  });
  return resourcesGate.run({ ...ctx, releaseUrl: url });
}

/** /metrics of a release at its n-th reading: `change` says what grows. */
function metricsText(
  n: number,
  change: { cpu?: number; heapMb?: number; handles?: number; inUse?: number } = {},
): string {
  const mb = 1024 * 1024;
  return [
    `process_cpu_seconds_total ${String(1 + n * (change.cpu ?? 0.001))}`,
    `process_resident_memory_bytes ${String(100 * mb)}`,
    `nodejs_heap_size_used_bytes ${String((30 + n * (change.heapMb ?? 0)) * mb)}`,
    `nodejs_active_handles{type="Socket"} ${String(4 + n * (change.handles ?? 0))}`,
    'nodejs_active_handles{type="Timeout"} 2',
    `database_pool_connections ${String(2 + (change.inUse ?? 0))}`,
    'database_pool_connections_idle 2',
    'database_pool_connections_max 10',
  ].join('\n');
}

describe('perf.resources', () => {
  it('passes a healthy release under the probe, every figure measured', async () => {
    const outcome = await run(release.url);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/^CPU [\d.]+ % of one core \(limit < 80 %\); memory [\d.]+ % \(peak RSS/);
    for (const name of [
      'CPU',
      'memory',
      'database connections in use',
      'heap growth over the window',
      'open handles growth over the window',
    ])
      expect(
        outcome.measurements?.find((m) => m.name === name),
        name,
      ).toMatchObject({ passed: true });
  }, 20_000);

  it('fails a release over its memory limit, naming memory', async () => {
    const outcome = await run(release.url, { memoryLimitMb: 20, probe: false });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^memory [\d.]+ % \(peak RSS [\d.]+ of 20 MB; limit < 90 %\)/);
  }, 20_000);

  it('fails a leaking release: heap floor and open handles rising', async () => {
    const standIn = await standInRelease((n) => metricsText(n, { heapMb: 5, handles: 2 }));
    try {
      const outcome = await run(standIn.url, { probe: false });
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain(': a memory leak');
      expect(outcome.summary).toContain(': a handle leak');
      // The failures come first; the figures within their limits after the dash.
      expect(outcome.summary.split(' — ')[0]).not.toContain('CPU');
    } finally {
      await standIn.close();
    }
  }, 20_000);

  it('fails a busy release: CPU and the pool over their limits', async () => {
    // 0.19 CPU-seconds per 200 ms reading: about 95 % of one core; 9 of 10 connections in use.
    const standIn = await standInRelease((n) => metricsText(n, { cpu: 0.19, inUse: 9 }));
    try {
      const outcome = await run(standIn.url, { probe: false });
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toMatch(/CPU [\d.]+ % of one core \(limit < 80 %\)/);
      expect(outcome.summary).toContain(
        'database connections 90 % of the pool (peak 9 in use of 10; limit < 80 %)',
      );
    } finally {
      await standIn.close();
    }
  }, 20_000);

  it('is no data, never a pass, with too few readings', async () => {
    const outcome = await run(release.url, { window: '1s', sampleInterval: '1s', probe: false });
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('heap: 2 heap readings, 3 at different moments needed');
    expect(
      (await run(release.url, { window: '1s', sampleInterval: '1s', probe: false }, 'error')).status,
    ).toBe('error');
  }, 20_000);

  it('is an error when the release restarts during the window', async () => {
    const standIn = await standInRelease((n) => metricsText(n === 3 ? 0 : n + 100));
    try {
      const outcome = await run(standIn.url, { probe: false });
      expect(outcome.status).toBe('error');
      expect(outcome.reason).toContain('counter reset in process_cpu_seconds_total{}');
    } finally {
      await standIn.close();
    }
  }, 20_000);
});
