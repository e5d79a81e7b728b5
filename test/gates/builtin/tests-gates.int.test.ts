import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageGate } from '../../../src/gates/builtin/tests/coverage.ts';
import { integrationTestsGate } from '../../../src/gates/builtin/tests/integration.ts';
import { performanceGate } from '../../../src/gates/builtin/tests/performance.ts';
import { unitTestsGate } from '../../../src/gates/builtin/tests/unit.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext, unreachableUrl } from './support/gate-context.ts';
import { vitestProjects } from './support/vitest-project.ts';

// Tiny projects with vitest's two projects (support/vitest-project.ts).
const passing = "test('adds', () => { expect(1 + 1).toBe(2); });\n";
const failing = "test('subtracts', () => { expect(2 - 1).toBe(3); });\n";

const fixtures = vitestProjects();
const project = (files: Record<string, string>) => fixtures.project(files);
afterAll(() => {
  fixtures.removeAll();
});

describe('tests.unit and tests.integration', () => {
  it('tests.unit passes when every unit test passes', async () => {
    const cwd = project({ 'unit/math.test.js': passing, 'int/db.test.js': failing });
    const outcome = await unitTestsGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/^1 test passed in [\d.]+ s \(project unit\)$/);
    // Only the unit project ran: the failing integration test is not counted.
    expect(outcome.measurements).toEqual([
      { name: 'tests run', value: 1, unit: 'count', threshold: 0, comparison: '>', passed: true },
      { name: 'pass rate', value: 100, unit: '%', threshold: 100, comparison: '>=', passed: true },
      { name: 'failed', value: 0, unit: 'count' },
      { name: 'skipped', value: 0, unit: 'count' },
      {
        name: 'run time',
        value: expect.any(Number) as number,
        unit: 'ms',
        threshold: 30_000,
        comparison: '<',
        passed: true,
      },
    ]);
  });

  it('tests.unit fails a run slower than its limit, naming the time and the limit', async () => {
    const cwd = project({ 'unit/math.test.js': passing });
    const outcome = await unitTestsGate.run(
      gateContext({ cwd, config: { gates: { thresholds: { tests: { unit: { maxDurationMs: 1 } } } } } }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^1 test passed but took [\d.]+ s \(limit 0.001 s\)/);
    expect(outcome.measurements?.find((m) => m.name === 'run time')).toMatchObject({
      threshold: 1,
      comparison: '<',
      passed: false,
    });
  });

  it('tests.integration fails naming the failing test', async () => {
    const cwd = project({ 'unit/math.test.js': passing, 'int/db.test.js': passing + failing });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 test failed (pass rate 50%): int/db.test.js > subtracts');
    const judged = outcome.measurements?.filter((m) => m.threshold !== undefined);
    expect(judged).toEqual([
      { name: 'tests run', value: 2, unit: 'count', threshold: 0, comparison: '>', passed: true },
      { name: 'pass rate', value: 50, unit: '%', threshold: 100, comparison: '>=', passed: false },
    ]);
    expect(outcome.measurements?.find((m) => m.name === 'failed')?.value).toBe(1);
    const failedRows = outcome.evidence?.find((e) => e.title === 'failed tests')?.content;
    expect(JSON.stringify(failedRows)).toContain('subtracts');
  });

  it('skips instead of recursing inside a test run a gate started', async () => {
    const outcome = await unitTestsGate.run(gateContext({ env: { HERMES_GATES_NESTED: '1' } }));
    expect(outcome.status).toBe('skip');
    expect(outcome.reason).toMatch(/HERMES_GATES_NESTED=1/);
  });
});

describe('tests.coverage', () => {
  const summary = (pct: number) =>
    JSON.stringify({
      total: Object.fromEntries(
        ['lines', 'statements', 'functions', 'branches'].map((m) => [
          m,
          { total: 100, covered: pct, skipped: 0, pct },
        ]),
      ),
    });

  it('passes a summary at or above 90% (mode read)', async () => {
    const cwd = project({ 'coverage/coverage-summary.json': summary(92) });
    const outcome = await coverageGate.run(
      gateContext({ cwd, config: { gates: { thresholds: { tests: { coverage: { mode: 'read' } } } } } }),
    );
    expect(outcome.status, outcome.summary).toBe('pass');
  });

  it('fails naming the metrics below the threshold', async () => {
    const cwd = project({ 'coverage/coverage-summary.json': summary(80) });
    const outcome = await coverageGate.run(
      gateContext({ cwd, config: { gates: { thresholds: { tests: { coverage: { mode: 'read' } } } } } }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^below lines 90%, statements 90%, functions 90% and 1 more: lines 80%/);
  });
});

describe('tests.performance', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });
  const settings = (extra: Record<string, unknown>) => ({
    gates: {
      thresholds: {
        tests: { performance: { durationSeconds: 1, connections: 2, dbIterations: 20, ...extra } },
      },
    },
  });

  it('measures the database, the API, throughput and memory of the running service', async () => {
    // Limits wide enough for a loaded machine: the test is about the judging, not this box's speed.
    const ctx = gateContext({
      databaseUrl: db.url,
      config: settings({ dbAvgMs: 5_000, apiAvgMs: 10_000, minRequestsPerSecond: 0.01, maxRssMb: 8_192 }),
    });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    const byName = new Map(outcome.measurements?.map((m) => [m.name, m]));
    expect(byName.get('database operation average')).toMatchObject({
      threshold: 5_000,
      comparison: '<',
      passed: true,
    });
    expect(byName.get('throughput')).toMatchObject({ threshold: 0.01, comparison: '>', passed: true });
    expect(byName.get('peak resident memory')).toMatchObject({
      unit: 'MB',
      threshold: 8_192,
      comparison: '<=',
      passed: true,
    });
    expect(byName.get('peak resident memory')?.value).toBeGreaterThan(1);
    const route = 'GET /health/database';
    expect(byName.get(`${route}: latency average`)).toMatchObject({
      threshold: 10_000,
      comparison: '<',
      passed: true,
    });
    expect(byName.get(`${route}: latency p95`)).toMatchObject({ threshold: 10_000, passed: true });
    expect(byName.get(`${route}: non-2xx responses`)).toMatchObject({ value: 0, passed: true });
    expect(byName.get(`${route}: requests sent`)?.passed).toBe(true);
    expect(byName.get('API latency average')?.value).toBeGreaterThan(0);
    expect(byName.get('non-2xx responses')?.value).toBe(0);
    expect(byName.get('requests sent')?.value).toBeGreaterThan(0);
    expect(outcome.summary).toMatch(
      /^DB [\d.]+ ms avg; GET \/health\/database [\d.]+ ms avg \/ [\d.]+ ms p95; /,
    );
  });

  it('fails naming what exceeded its limit', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: settings({ maxRssMb: 1, requests: [{ method: 'GET', path: '/no-such-endpoint' }] }),
    });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/non-2xx responses \d+ count \(limit == 0\)/);
    expect(outcome.summary).toMatch(/peak resident memory \d+ MB \(limit <= 1\)/);
    const byName = new Map(outcome.measurements?.map((m) => [m.name, m]));
    expect(byName.get('GET /no-such-endpoint: non-2xx responses')).toMatchObject({
      threshold: 0,
      comparison: '==',
      passed: false,
    });
    expect(byName.get('GET /no-such-endpoint: non-2xx responses')?.value).toBeGreaterThan(0);
    expect(byName.get('peak resident memory')).toMatchObject({ threshold: 1, passed: false });
    const rows = outcome.evidence?.find((e) => e.title === 'load per route')?.content;
    expect(rows).toEqual([expect.objectContaining({ route: 'GET /no-such-endpoint', passed: false })]);
  });

  it('is an error when the database is unreachable', async () => {
    const outcome = await performanceGate.run(gateContext({ databaseUrl: unreachableUrl }));
    expect(outcome.status).toBe('error');
  });
});
