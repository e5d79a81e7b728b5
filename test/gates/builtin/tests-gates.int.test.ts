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
    expect(outcome.measurements?.find((m) => m.name === 'run time')?.threshold).toBe(30_000);
  });

  it('tests.integration fails naming the failing test', async () => {
    const cwd = project({ 'unit/math.test.js': passing, 'int/db.test.js': passing + failing });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 test failed (pass rate 50%): int/db.test.js > subtracts');
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
    const ctx = gateContext({ databaseUrl: db.url, config: settings({}) });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    const names = outcome.measurements?.map((m) => m.name);
    expect(names, outcome.summary).toEqual(
      expect.arrayContaining([
        'database operation average',
        'API latency average',
        'throughput',
        'peak resident memory',
      ]),
    );
    expect(outcome.measurements?.find((m) => m.name === 'non-2xx responses')?.value).toBe(0);
    expect(outcome.measurements?.find((m) => m.name === 'requests sent')?.value).toBeGreaterThan(0);
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
  });

  it('is an error when the database is unreachable', async () => {
    const outcome = await performanceGate.run(gateContext({ databaseUrl: unreachableUrl }));
    expect(outcome.status).toBe('error');
  });
});
