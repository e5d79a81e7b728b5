import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../../src/gates/builtin/tests/load-routes.ts';

// loadRoutes against a real local server: each configured request loaded on its own.
const bodies = new Map<string, Set<string>>();
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/reset') {
      // Drops the connection without an answer: no response (autocannon counts no error either).
      request.socket.destroy();
      return;
    }
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const seen = bodies.get(path) ?? new Set<string>();
      seen.add(`${request.method ?? ''} ${String(request.headers['content-type'])} ${body}`);
      bodies.set(path, seen);
      response.writeHead(path === '/missing' ? 404 : 200).end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

describe('loadRoutes', () => {
  it('loads each request apart, with its body and content type, numbering a repeated route', async () => {
    const started = performance.now();
    const loads = await loadRoutes({
      url,
      connections: 2,
      durationSeconds: 2,
      requests: [
        { method: 'POST', path: '/echo', body: '{"a":1}', contentType: 'application/json' },
        { method: 'POST', path: '/echo', body: 'a=2', contentType: 'application/x-www-form-urlencoded' },
        { method: 'GET', path: '/missing', contentType: 'application/json' },
      ],
    });
    // Each route gets at least a second, even when the duration split between three is less.
    expect(performance.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(loads.map((l) => l.route)).toEqual(['POST /echo', 'POST /echo #2', 'GET /missing']);
    expect([...(bodies.get('/echo') ?? [])].sort()).toEqual([
      'POST application/json {"a":1}',
      'POST application/x-www-form-urlencoded a=2',
    ]);
    expect([...(bodies.get('/missing') ?? [])]).toEqual(['GET application/json ']);
    const [first, , missing] = loads;
    expect(first?.responses).toBeGreaterThan(0);
    expect(first?.non2xx).toBe(0);
    expect(first?.errors).toBe(0);
    expect(first?.durationSeconds).toBeGreaterThanOrEqual(0.9);
    expect(first?.averageMs).toBeGreaterThan(0);
    expect(first?.p95Ms).toBeGreaterThanOrEqual(first?.averageMs ?? Infinity);
    expect(first?.maxMs).toBeGreaterThanOrEqual(first?.p95Ms ?? Infinity);
    // Every answer of /missing is a 404: all of them are non-2xx.
    expect(missing?.non2xx).toBe(missing?.responses);
    expect(missing?.responses).toBeGreaterThan(0);
  });

  it('a route whose connections are dropped has no response and no latency at all', async () => {
    const [reset] = await loadRoutes({
      url,
      connections: 1,
      durationSeconds: 1,
      requests: [{ method: 'GET', path: '/reset', contentType: 'application/json' }],
    });
    expect(reset).toMatchObject({
      route: 'GET /reset',
      responses: 0,
      averageMs: undefined,
      p95Ms: undefined,
      maxMs: undefined,
      non2xx: 0,
    });
    // autocannon 8 counts no error for it either: `requests sent > 0` is what fails such a route.
  });
});
