import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { healthDeploymentGate } from '../../../../src/gates/builtin/deploy/health-deployment.ts';
import { judged } from '../../support/judged.ts';
import { gateContext } from '../support/gate-context.ts';
import { useReleaseStub } from './support/release-stub.ts';
import { hooksFor } from './support/step-hooks.ts';

// health.deployment against a real HTTP release in its own process, told which endpoint fails.
const stub = useReleaseStub();
const gate = healthDeploymentGate(hooksFor(() => stub.url));

/** A port on the loopback where nothing listens any more (fetch refuses well-known ones such as 1). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** Short polls: a test waits a second or two, never the default minute. */
function context(health: Record<string, unknown> = {}) {
  return gateContext({
    config: {
      gates: { thresholds: { deploy: { health: { deadline: '1500ms', interval: '100ms', ...health } } } },
    },
  });
}

describe('health.deployment', () => {
  it('passes when every endpoint answers 200, with the time each took', async () => {
    await stub.behave({});
    const ctx = context();
    const outcome = await gate.run(ctx);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toMatch(
      /^4 endpoints answered 200: \/health \d+ ms, \/health\/database \d+ ms, \/health\/n8n \d+ ms, \/readyz \d+ ms$/,
    );
    expect(judged(outcome).map((m) => [m.name, m.value, m.passed])).toEqual([
      ['/health: last status', 200, true],
      ['/health/database: last status', 200, true],
      ['/health/n8n: last status', 200, true],
      ['/readyz: last status', 200, true],
    ]);
    expect(outcome.measurements?.filter((m) => m.name.endsWith(': time to 200'))).toHaveLength(4);
    expect(ctx.logs).toEqual([`polling 4 endpoints of ${stub.url} for up to 1.5 s`]);
  });

  it('passes when an endpoint turns 200 after a while, its time counting the wait', async () => {
    await stub.behave({ failing: { '/readyz': { status: 503, okAfterMs: 600 } } });
    const outcome = await gate.run(context());
    expect(outcome.status).toBe('pass');
    const readyz = outcome.measurements?.find((m) => m.name === '/readyz: time to 200');
    expect(readyz?.value).toBeGreaterThanOrEqual(500);
    const requests = outcome.measurements?.find((m) => m.name === '/readyz: requests');
    expect(requests?.value).toBeGreaterThan(1);
    // The others answered 200 to their first request.
    const health = outcome.measurements?.find((m) => m.name === '/health: requests');
    expect(health?.value).toBe(1);
  });

  it('fails naming each endpoint that never answered 200, with its last status and body, secrets masked', async () => {
    await stub.behave({
      failing: {
        '/health/n8n': {
          status: 503,
          body: {
            status: 'down',
            reason: 'n8n unreachable',
            url: 'https://ops:hunter2@n8n.example/hook',
            secret: 's3cr3t',
          },
        },
        '/health/database': { drop: true },
      },
    });
    const outcome = await gate.run(context({ deadline: '800ms' }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^2 of 4 endpoints never answered 200 within 800 ms: /);
    expect(outcome.summary).toContain('/health/database (last: ');
    expect(outcome.summary).toContain(
      '/health/n8n (last: 503 {"status":"down","reason":"n8n unreachable","url":"https://ops:redacted@n8n.example/hook","secret":"[redacted]"})',
    );
    expect(JSON.stringify(outcome)).not.toMatch(/hunter2|s3cr3t/);
    const rows = outcome.evidence?.[0]?.content as Record<string, unknown>[];
    const database = rows.find((r) => r.endpoint === '/health/database');
    expect(database).toMatchObject({ 'answered 200': false, 'last status': null, 'last body': null });
    expect(database?.error).toEqual(expect.any(String));
    // Retried until the deadline, not given up after the first answer.
    const n8nRequests = outcome.measurements?.find((m) => m.name === '/health/n8n: requests');
    expect(n8nRequests?.value).toBeGreaterThan(3);
    expect(
      judged(outcome)
        .filter((m) => m.passed === false)
        .map((m) => [m.name, m.value]),
    ).toEqual([
      ['/health/database: last status', 0],
      ['/health/n8n: last status', 503],
    ]);
    // Polled until the deadline, within an interval of it.
    const polled = outcome.measurements?.find((m) => m.name === '/health/n8n: polled for');
    expect(polled?.value).toBeGreaterThanOrEqual(700);
  });

  it('names a request that hangs past its timeout as unanswered', async () => {
    // /slow is no health endpoint: the stub's load paths answer after delayMs.
    await stub.behave({ delayMs: 2_000 });
    const outcome = await gate.run(
      context({ endpoints: ['/slow'], deadline: '600ms', requestTimeout: '200ms' }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '1 of 1 endpoint never answered 200 within 600 ms: /slow (last: no answer within 200 ms)',
    );
  });

  it('does not follow a redirect: a 302 is the last answer, with its body', async () => {
    await stub.behave({ status: 302 });
    const outcome = await gate.run(context({ endpoints: ['/'], deadline: '200ms' }));
    expect(outcome.status).toBe('fail');
    // A redirect is not followed: the release itself must answer 200.
    expect(outcome.summary).toMatch(/: \/ \(last: 302 <!doctype html><title>form<\/title>\)$/);
  });

  it('reports a connection refused when nothing listens', async () => {
    const port = await closedPort();
    const nowhere = healthDeploymentGate(hooksFor(() => `http://127.0.0.1:${String(port)}`));
    const outcome = await nowhere.run(context({ endpoints: ['/health'], deadline: '200ms' }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `1 of 1 endpoint never answered 200 within 200 ms: /health (last: connect ECONNREFUSED 127.0.0.1:${String(port)})`,
    );
  });

  it('stops polling when the run is cancelled', async () => {
    await stub.behave({ failing: { '/health': {} } });
    const abort = new AbortController();
    const ctx = { ...context({ deadline: '30s' }), signal: abort.signal };
    const started = performance.now();
    setTimeout(() => abort.abort(new Error('the gate timed out')), 300);
    const outcome = await gate.run(ctx);
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe('the health checks did not finish');
    // Well before the 30 s deadline.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('stops a request in flight when the run is cancelled', async () => {
    await stub.behave({ delayMs: 20_000 });
    const abort = new AbortController();
    const settings = { endpoints: ['/slow'], deadline: '30s', requestTimeout: '20s' };
    const ctx = { ...context(settings), signal: abort.signal };
    const started = performance.now();
    setTimeout(() => abort.abort(new Error('the gate timed out')), 200);
    expect(await gate.run(ctx)).toEqual({
      status: 'error',
      summary: 'the health checks did not finish',
      reason: 'the gate timed out',
    });
    // Long before the stub's 20 s answer.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('is an error when there is no release to check', async () => {
    const none = healthDeploymentGate({
      releaseUrl: () => Promise.reject(new Error('no live release of the local target')),
      record: () => Promise.resolve(),
    });
    expect(await none.run(context())).toEqual({
      status: 'error',
      summary: 'no release to check',
      reason: 'no live release of the local target',
    });
  });
});
