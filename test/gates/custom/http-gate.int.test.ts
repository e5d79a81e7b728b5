import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customGateSchema } from '../../../src/config/sections/gates.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { httpGate } from '../../../src/gates/custom/http-gate.ts';
import { gateContext } from '../builtin/support/gate-context.ts';

// A custom http gate against a real local server: what it sends, and each way it fails.
interface Seen {
  method: string;
  url: string;
  header: string | undefined;
  body: string;
}
const seen: Seen[] = [];
let server: Server;
let base: string;

async function bodyOf(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        header: request.headers['x-probe'] as string | undefined,
        body,
      });
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      if (path === '/moved') {
        response.writeHead(302, { location: '/elsewhere' }).end('moved');
      } else if (path === '/slow') {
        setTimeout(() => response.end('late'), 60);
      } else if (path === '/broken') {
        response.writeHead(503).end('line 1\nservice unavailable');
      } else {
        response.writeHead(201).end(`ok ${request.method ?? ''} ${body}`);
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
});

/** A loopback port nothing listens on: one the system just handed out and got back. */
async function closedPort(): Promise<string> {
  const probeServer = createServer();
  await new Promise<void>((done) => probeServer.listen(0, '127.0.0.1', done));
  const { port } = probeServer.address() as AddressInfo;
  await new Promise((done) => probeServer.close(done));
  return String(port);
}

async function probe(entry: Record<string, unknown>, signal?: AbortSignal): Promise<GateOutcome> {
  const spec = customGateSchema.parse({ id: 'smoke.probe', kind: 'http', ...entry });
  if (spec.kind !== 'http') throw new Error('not an http gate');
  const ctx = gateContext();
  return httpGate(spec).run(signal ? { ...ctx, signal } : ctx);
}

describe('a custom http gate', () => {
  it('sends its method, headers and body, and passes on an expected status', async () => {
    seen.length = 0;
    const outcome = await probe({
      url: `${base}/echo`,
      method: 'POST',
      headers: { 'x-probe': 'hermes' },
      body: 'ping',
      expectStatus: [200, 201],
      bodyMatches: '^ok POST ping$',
    });
    expect(seen).toEqual([{ method: 'POST', url: '/echo', header: 'hermes', body: 'ping' }]);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary.replace(base, 'BASE')).toMatch(/^POST BASE\/echo answered 201 in \d+ ms$/);
    expect(outcome.measurements?.[0]).toEqual({ name: 'status', value: 201, unit: 'code', passed: true });
    expect(outcome.evidence).toEqual([
      { kind: 'output', title: `response body of POST ${base}/echo`, content: 'ok POST ping' },
    ]);
  });

  it('names the URL without its query string, which may carry a token', async () => {
    const outcome = await probe({ url: `${base}/echo?token=s3cret` });
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toBe(`GET ${base}/echo answered 201, expected 200`);
    expect(JSON.stringify(outcome)).not.toContain('s3cret');
  });

  it('fails on another status, naming it and what was expected, with the body as evidence', async () => {
    const outcome = await probe({ url: `${base}/broken`, expectStatus: [200, 204] });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(`GET ${base}/broken answered 503, expected 200 or 204`);
    expect(outcome.measurements?.[0]).toEqual({ name: 'status', value: 503, unit: 'code', passed: false });
    expect(outcome.evidence?.[0]?.content).toBe('line 1\nservice unavailable');
  });

  it('does not follow a redirect: the redirect is the answer judged', async () => {
    seen.length = 0;
    const outcome = await probe({ url: `${base}/moved`, expectStatus: [302] });
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(seen.map((s) => s.url)).toEqual(['/moved']);
  });

  it('fails when the body does not match its pattern (a line of it, with m)', async () => {
    const outcome = await probe({ url: `${base}/broken`, expectStatus: [503], bodyMatches: '^healthy$' });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(`GET ${base}/broken: the body does not match /^healthy$/`);
    // Multiline: a pattern anchored to one line of the body matches.
    const line = await probe({
      url: `${base}/broken`,
      expectStatus: [503],
      bodyMatches: '^service unavailable$',
    });
    expect(line.status, line.summary).toBe('pass');
  });

  it('fails an answer slower than its latency limit, judging the latency against it', async () => {
    const outcome = await probe({ url: `${base}/slow`, maxLatencyMs: 10 });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary.replace(base, 'BASE')).toMatch(/^GET BASE\/slow took \d+ ms, more than 10 ms$/);
    const latency = outcome.measurements?.find((m) => m.name === 'latency');
    expect(latency).toMatchObject({ unit: 'ms', threshold: 10, comparison: '<=', passed: false });
    expect(latency?.value).toBeGreaterThanOrEqual(50);
    const within = await probe({ url: `${base}/slow`, maxLatencyMs: 10_000 });
    expect(within.status, within.summary).toBe('pass');
    expect(within.measurements?.find((m) => m.name === 'latency')).toMatchObject({
      threshold: 10_000,
      passed: true,
    });
  });

  it('fails when nothing answers, with the cause of the network error', async () => {
    const closed = await closedPort();
    const outcome = await probe({ url: `http://127.0.0.1:${closed}/health` });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `GET http://127.0.0.1:${closed}/health did not answer: fetch failed: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
    expect(outcome.reason).toBe(`fetch failed: connect ECONNREFUSED 127.0.0.1:${closed}`);
  });

  it('never repeats credentials or a query string from the URL fetch refused', async () => {
    // fetch refuses a URL with credentials, and its message quotes the URL whole.
    const outcome = await probe({
      url: `${base}/health?token=tok-123`.replace('http://', 'http://ops:pw-456@'),
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary.startsWith(`GET ${base}/health did not answer: `)).toBe(true);
    expect(JSON.stringify(outcome)).not.toMatch(/pw-456|tok-123|ops:/);
  });

  it('stops when its signal is aborted (timeout or cancelled run), saying so', async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await probe({ url: `${base}/slow` }, controller.signal);
    expect(outcome).toEqual({
      status: 'fail',
      summary: `GET ${base}/slow did not answer: This operation was aborted`,
      reason: 'This operation was aborted',
    });
  });
});
