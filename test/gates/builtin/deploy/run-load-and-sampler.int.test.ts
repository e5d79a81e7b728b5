import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../../../src/gates/builtin/deploy/run-load.ts';
import { startMemorySampler } from '../../../../src/gates/builtin/deploy/sample-memory.ts';

// runLoad and the memory sampler against a small real server that records what it was sent.
const seen = new Set<string>();
let metrics = { status: 200, text: '' };
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.url === '/metrics') {
        response.writeHead(metrics.status).end(metrics.text);
        return;
      }
      seen.add(
        `${request.method ?? ''} ${request.url ?? ''} ${String(request.headers['content-type'])} ${body}`,
      );
      response.writeHead(request.url?.endsWith('/missing') ? 404 : 200).end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

const live = new AbortController().signal;

/** A loopback port where nothing listens any more. */
async function closedPort(): Promise<number> {
  const closed = createServer();
  await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
  const { port } = closed.address() as AddressInfo;
  await new Promise((done) => closed.close(done));
  return port;
}

describe('runLoad', () => {
  it("sends each request, with its body and content type, under the release URL's path", async () => {
    seen.clear();
    const run = await runLoad({
      url: `${origin}/shop/`,
      connections: 1,
      durationMs: 1_000,
      rate: 30,
      requests: [
        { method: 'GET', path: '/', contentType: 'application/json' },
        { method: 'POST', path: '/echo', body: 'a=1', contentType: 'application/x-www-form-urlencoded' },
        { method: 'GET', path: '/missing', contentType: 'application/json' },
      ],
      signal: live,
    });
    expect([...seen].sort()).toEqual([
      'GET /shop/ application/json ',
      'GET /shop/missing application/json ',
      'POST /shop/echo application/x-www-form-urlencoded a=1',
    ]);
    const answers = run.latencies.length;
    expect(answers).toBeGreaterThan(2);
    // A third of the answers are the 404s, counted as non-2xx and by status.
    expect(run.statusCodes['404']).toBe(run.non2xx);
    expect((run.statusCodes['200'] ?? 0) + run.non2xx).toBe(answers);
    expect(run.latencies).toEqual([...run.latencies].sort((a, b) => a - b));
    expect(run).toMatchObject({ errors: 0, timeouts: 0 });
    expect(run.durationMs).toBeGreaterThanOrEqual(1_000);
  });

  it('counts refused connections as errors', async () => {
    const port = await closedPort();
    const run = await runLoad({
      url: `http://127.0.0.1:${String(port)}`,
      connections: 1,
      durationMs: 1_000,
      rate: undefined,
      requests: [{ method: 'GET', path: '/', contentType: 'application/json' }],
      signal: live,
    });
    expect(run.latencies).toEqual([]);
    expect(run.errors).toBeGreaterThan(0);
  });

  it('does not start when the run is already cancelled', async () => {
    const abort = new AbortController();
    abort.abort();
    seen.clear();
    const load = runLoad({
      url: origin,
      connections: 1,
      durationMs: 5_000,
      rate: undefined,
      requests: [{ method: 'GET', path: '/', contentType: 'application/json' }],
      signal: abort.signal,
    });
    await expect(load).rejects.toThrow('the load was stopped: the run was cancelled');
    expect(seen.size).toBe(0);
  });

  it("rejects with autocannon's reason when it refuses its options", async () => {
    const load = runLoad({
      url: origin,
      connections: 0,
      durationMs: 1_000,
      rate: undefined,
      requests: [{ method: 'GET', path: '/', contentType: 'application/json' }],
      signal: live,
    });
    await expect(load).rejects.toThrow(/connections/);
  });
});

describe('startMemorySampler', () => {
  const exposition = (heap: number) =>
    `# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes ${String(heap)}\nprocess_resident_memory_bytes 2e8\n`;

  it('reads the heap and resident memory now, every interval and once more at the end', async () => {
    metrics = { status: 200, text: exposition(5e7) };
    const sampler = startMemorySampler(`${origin}/metrics`, 100, live);
    await new Promise((done) => setTimeout(done, 500));
    const sampling = await sampler.stop();
    expect(sampling.failures).toBe(0);
    expect(sampling.samples.length).toBeGreaterThanOrEqual(3);
    expect(sampling.samples[0]).toMatchObject({ heapUsedBytes: 5e7, rssBytes: 2e8 });
    const times = sampling.samples.map((s) => s.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('counts and names the reads that gave no heap figure', async () => {
    metrics = { status: 200, text: 'process_resident_memory_bytes 1\n' };
    const noHeap = await startMemorySampler(`${origin}/metrics`, 100, live).stop();
    expect(noHeap).toMatchObject({ samples: [], lastFailure: '/metrics has no nodejs_heap_size_used_bytes' });
    expect(noHeap.failures).toBeGreaterThanOrEqual(2);

    metrics = { status: 401, text: '{"message":"unauthorized"}' };
    const refused = await startMemorySampler(`${origin}/metrics`, 100, live).stop();
    expect(refused.lastFailure).toBe('/metrics answered 401');

    const port = await closedPort();
    const unreachable = await startMemorySampler(
      `http://127.0.0.1:${String(port)}/metrics`,
      100,
      live,
    ).stop();
    expect(unreachable.lastFailure).toBe(`/metrics: connect ECONNREFUSED 127.0.0.1:${String(port)}`);
  });

  it('stops at once, without a last read, when the run is cancelled', async () => {
    metrics = { status: 200, text: exposition(1e7) };
    const abort = new AbortController();
    const sampler = startMemorySampler(`${origin}/metrics`, 10_000, abort.signal);
    await new Promise((done) => setTimeout(done, 100));
    abort.abort();
    const sampling = await sampler.stop();
    // The first read, made at once; none at the end.
    expect(sampling.samples).toHaveLength(1);
  });
});
