import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { StubBehaviour } from './release-stub.ts';

// A release as the deploy gates see one, in its own process (its heap is its own, not the test's):
// /health*, /readyz and real prom-client default metrics on /metrics, told how to misbehave by
// POST /__stub. Run by release-stub.ts.

const registry = new Registry();
collectDefaultMetrics({ register: registry });

let behaviour: StubBehaviour = {};
let since = performance.now();
let retained: number[][] = [];
let leak: NodeJS.Timeout | undefined;

const leakTickMs = 100;
/** A leak that outlives its test must not take the machine's memory. */
const maxRetainedMb = 600;

function setBehaviour(next: StubBehaviour): void {
  behaviour = next;
  since = performance.now();
  clearInterval(leak);
  retained = [];
  const perSecond = next.leakMbPerSecond ?? 0;
  if (perSecond <= 0) return;
  // A double array holds 8 bytes an element, on the heap, kept alive by `retained`.
  const elements = Math.round((perSecond * 1024 * 1024 * (leakTickMs / 1_000)) / 8);
  leak = setInterval(() => {
    if (retained.length * perSecond * (leakTickMs / 1_000) < maxRetainedMb)
      retained.push(new Array<number>(elements).fill(Math.random()));
  }, leakTickMs);
}

function send(response: ServerResponse, status: number, body: string, type = 'application/json'): void {
  response.writeHead(status, { 'content-type': type }).end(body);
}

async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://stub').pathname;
  if (path === '/__stub') {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    setBehaviour(JSON.parse(text) as StubBehaviour);
    response.writeHead(204).end();
    return;
  }
  if (path === '/metrics') {
    if (behaviour.noMetrics) send(response, 404, '{"message":"not found"}');
    else send(response, 200, await registry.metrics(), registry.contentType);
    return;
  }
  const failing = behaviour.failing?.[path];
  if (failing && (failing.okAfterMs === undefined || performance.now() - since < failing.okAfterMs)) {
    if (failing.drop) request.socket.destroy();
    else send(response, failing.status ?? 503, JSON.stringify(failing.body ?? { status: 'down' }));
    return;
  }
  if (path.startsWith('/health') || path === '/readyz') {
    send(response, 200, '{"status":"ok"}');
    return;
  }
  const delayMs = behaviour.delayMs ?? 0;
  if (delayMs > 0) await new Promise((done) => setTimeout(done, delayMs));
  send(response, behaviour.status ?? 200, '<!doctype html><title>form</title>', 'text/html');
}

const server = createServer((request, response) => {
  answer(request, response).catch((error: unknown) => send(response, 500, JSON.stringify(String(error))));
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`stub listening on http://127.0.0.1:${String(port)}\n`);
});
process.on('SIGTERM', () => process.exit(0));
