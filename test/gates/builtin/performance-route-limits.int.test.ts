import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performanceGate } from '../../../src/gates/builtin/tests/performance.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext, makeProject, unreachableUrl } from './support/gate-context.ts';

// tests.performance: a request's own latency limit, and a service that does not start.
const server = `import { createServer } from 'node:http';
const server = createServer((req, res) => {
  req.resume();
  const wait = req.url === '/slow' ? 80 : 0;
  setTimeout(() => res.end('ok'), wait);
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + String(server.address().port)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

describe('tests.performance with limits per request', () => {
  let db: TestDatabase;
  const project = makeProject({
    'package.json': '{"name":"shop","private":true,"type":"module"}\n',
    'server.mjs': server,
    'crash.mjs': "console.error('cannot bind'); process.exit(3);\n",
    'db/migrations/0001_create_items.up.sql': 'CREATE TABLE items (id serial PRIMARY KEY);\n',
    'db/migrations/0001_create_items.down.sql': 'DROP TABLE items;\n',
  });
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    project.remove();
  });
  const config = (performance: Record<string, unknown>) => ({
    migrations: { dir: 'db/migrations' },
    gates: {
      thresholds: {
        tests: {
          performance: {
            command: ['node', join(project.dir, 'server.mjs')],
            durationSeconds: 2,
            connections: 1,
            minRequestsPerSecond: 0.01,
            apiAvgMs: 10_000,
            ...performance,
          },
        },
      },
    },
  });

  it('judges a route with its own maxLatencyMs against it, the others against apiAvgMs', async () => {
    const ctx = gateContext({
      cwd: project.dir,
      databaseUrl: db.url,
      config: config({
        requests: [
          { method: 'GET', path: '/fast' },
          { method: 'GET', path: '/slow', maxLatencyMs: 20 },
        ],
      }),
    });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^GET \/slow: p95 [\d.]+ ms \(limit < 20 ms\), average [\d.]+ ms \(limit < 20 ms\); DB operations not timed/,
    );
    const byName = new Map(outcome.measurements?.map((m) => [m.name, m]));
    expect(byName.get('GET /slow: latency p95')).toMatchObject({
      threshold: 20,
      comparison: '<',
      passed: false,
    });
    expect(byName.get('GET /fast: latency p95')).toMatchObject({ threshold: 10_000, passed: true });
    const rows = outcome.evidence?.find((e) => e.title === 'load per route')?.content;
    expect(rows).toEqual([
      expect.objectContaining({ route: 'GET /fast', 'limit ms': 10_000, passed: true }),
      expect.objectContaining({ route: 'GET /slow', 'limit ms': 20, passed: false }),
    ]);
  });

  it('is an error with the service’s output when the service does not start', async () => {
    const ctx = gateContext({
      cwd: project.dir,
      databaseUrl: db.url,
      config: config({
        command: ['node', join(project.dir, 'crash.mjs')],
        requests: [{ method: 'GET', path: '/' }],
      }),
    });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe('the service did not start');
    expect(outcome.reason).toBe('the service exited (code 3) before listening: cannot bind\n');
  });

  it('skips inside a test run a gate started, before opening the database', async () => {
    const ctx = gateContext({
      cwd: project.dir,
      databaseUrl: unreachableUrl,
      env: { HERMES_GATES_NESTED: '1' },
    });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('skip');
    expect(outcome.reason).toMatch(/^HERMES_GATES_NESTED=1/);
  });
});
