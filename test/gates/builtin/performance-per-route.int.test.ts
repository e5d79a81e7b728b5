import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performanceGate } from '../../../src/gates/builtin/tests/performance.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext, makeProject } from './support/gate-context.ts';

// A real service the gate starts through `command`: POST /api/contact sleeps SLOW_MS, the
// health route answers at once. It prints its URL as `hermes serve` does.
const server = `import { createServer } from 'node:http';
const slowMs = Number(process.argv[2] ?? '0');
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    };
    if (req.method === 'POST' && req.url === '/api/contact') setTimeout(answer, slowMs);
    else answer();
  });
});
server.listen(Number(process.env.PORT ?? '0'), process.env.HOST ?? '127.0.0.1', () => {
  const address = server.address();
  console.log('listening on http://127.0.0.1:' + String(address.port));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const requests = [
  { method: 'POST', path: '/api/contact', body: '{"email":"perf@example.com"}' },
  { method: 'GET', path: '/health/database' },
];

describe('tests.performance judges each configured request on its own', () => {
  let db: TestDatabase;
  const project = makeProject({ 'server.mjs': server });
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    project.remove();
  });
  // Two connections on a 700 ms route beside a sub-millisecond one: one mixed run alternates
  // them on each connection, so the average is about 350 ms, under the 500 ms limit.
  const settings = (slowMs: number) => ({
    gates: {
      thresholds: {
        tests: {
          performance: {
            command: ['node', join(project.dir, 'server.mjs'), String(slowMs)],
            requests,
            durationSeconds: 2,
            connections: 2,
            dbIterations: 20,
            minRequestsPerSecond: 1,
          },
        },
      },
    },
  });

  it('fails naming the slow route, which an average over all routes hides', async () => {
    const ctx = gateContext({ databaseUrl: db.url, config: settings(700) });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toMatch(/^POST \/api\/contact: (average|p95) [\d.]+ ms \(limit < 500 ms\)/);
    expect(outcome.summary).not.toMatch(/GET \/health\/database: (average|p95)/);
    const p95 = outcome.measurements?.find((m) => m.name === 'POST /api/contact: latency p95');
    expect(p95?.value).toBeGreaterThanOrEqual(700);
    expect(p95?.passed).toBe(false);
    const fast = outcome.measurements?.find((m) => m.name === 'GET /health/database: latency p95');
    expect(fast?.passed).toBe(true);
  });

  it('passes a fast service with figures for every route', async () => {
    const ctx = gateContext({ databaseUrl: db.url, config: settings(0) });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    for (const route of ['POST /api/contact', 'GET /health/database']) {
      for (const figure of ['latency average', 'latency p95', 'non-2xx responses', 'errors and timeouts']) {
        const m = outcome.measurements?.find((x) => x.name === `${route}: ${figure}`);
        expect(m?.passed, `${route}: ${figure}`).toBe(true);
      }
      const sent = outcome.measurements?.find((x) => x.name === `${route}: requests sent`);
      expect(sent?.value).toBeGreaterThan(0);
    }
    expect(outcome.summary).toMatch(/POST \/api\/contact [\d.]+ ms avg \/ [\d.]+ ms p95/);
  });

  it('takes a route limit from the request, else from apiAvgMs', async () => {
    const config = settings(700);
    const perf = config.gates.thresholds.tests.performance;
    const ctx = gateContext({
      databaseUrl: db.url,
      config: {
        gates: {
          thresholds: {
            tests: {
              performance: {
                ...perf,
                apiAvgMs: 5_000,
                durationSeconds: 1,
                requests: [{ ...requests[0], maxLatencyMs: 300 }, requests[1]],
              },
            },
          },
        },
      },
    });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toMatch(/^POST \/api\/contact: (average|p95) [\d.]+ ms \(limit < 300 ms\)/);
    const fast = outcome.measurements?.find((m) => m.name === 'GET /health/database: latency average');
    expect(fast?.threshold).toBe(5_000);
  });
});
