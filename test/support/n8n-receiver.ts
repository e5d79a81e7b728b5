import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * How the receiver answers, as n8n's Webhook node does:
 * - ok: 200 {"message":"Workflow was started"} (a Webhook node set to respond immediately)
 * - not-registered: 404, the workflow is inactive or the path is wrong
 * - unauthorized / forbidden: 401 / 403, the Header Auth or Basic Auth credential does not match
 * - server-error: 500; payload-too-large: 413
 * - slow: answers 200 after `delayMs`; timeout: never answers; drop: closes the connection unanswered
 */
export type ReceiverMode =
  | 'ok'
  | 'not-registered'
  | 'unauthorized'
  | 'forbidden'
  | 'server-error'
  | 'payload-too-large'
  | 'slow'
  | 'timeout'
  | 'drop';

export interface ReceivedDelivery {
  /** `webhook-id`: the delivery id, stable across retries. */
  readonly id: string;
  readonly timestamp: number;
  /** Verified with the `standardwebhooks` library against one of the receiver's secrets. */
  readonly signatureValid: boolean;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
}

export interface N8nReceiverOptions {
  /** Secrets to verify `webhook-signature` with (whsec_...). */
  readonly secrets?: readonly string[];
  /** The webhook's path (n8n: /webhook/<path>). */
  readonly path?: string;
  /** A header the Webhook node's Header Auth requires. */
  readonly requireHeader?: { readonly name: string; readonly value: string };
  readonly mode?: ReceiverMode;
  /** For `slow`. */
  readonly delayMs?: number;
}

export interface N8nReceiver {
  /** The Webhook node's production URL. */
  readonly url: string;
  readonly origin: string;
  /** Requests answered 2xx, in order (a delivery retried after a lost answer appears twice). */
  readonly received: readonly ReceivedDelivery[];
  /** Every request to the webhook path, whatever the answer. */
  readonly requestCount: number;
  /** Distinct delivery ids answered 2xx. */
  deliveredIds(): Set<string>;
  setMode(mode: ReceiverMode, delayMs?: number): void;
  /** The next `count` webhook requests get `mode`; then the current mode again. */
  failNext(count: number, mode: ReceiverMode): void;
  /** Resolves once `count` distinct deliveries have been answered 2xx. */
  waitForDelivered(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves once `count` webhook requests (any answer) have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Stops listening and cuts open connections: n8n is down (connection refused). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

const answers: Readonly<Record<string, { status: number; body: unknown }>> = {
  'not-registered': {
    status: 404,
    body: {
      code: 404,
      message: 'The requested webhook "POST hermes-leads" is not registered.',
      hint: "The workflow must be active for a production URL to run successfully. You can activate the workflow using the toggle in the top-right of the editor. Note that unlike test URL calls, production URL calls aren't shown on the canvas (only in the executions list)",
    },
  },
  unauthorized: { status: 401, body: { message: 'Authorization is required!' } },
  forbidden: { status: 403, body: { message: 'Authorization data is wrong!' } },
  'server-error': { status: 500, body: { code: 0, message: 'There was a problem executing the workflow' } },
  'payload-too-large': { status: 413, body: { code: 413, message: 'request entity too large' } },
};

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A local HTTP server that answers as n8n's Webhook node does, and records what it received. */
export async function startN8nReceiver(options: N8nReceiverOptions = {}): Promise<N8nReceiver> {
  const path = options.path ?? '/webhook/hermes-leads';
  const verifiers = (options.secrets ?? []).map((secret) => new Webhook(secret));
  const received: ReceivedDelivery[] = [];
  const ids = new Set<string>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const sockets = new Set<Socket>();
  let mode: ReceiverMode = options.mode ?? 'ok';
  let delayMs = options.delayMs ?? 0;
  const scripted: ReceiverMode[] = [];
  let requestCount = 0;

  const verify = (body: string, headers: IncomingHttpHeaders): boolean => {
    const signed = {
      'webhook-id': headerValue(headers, 'webhook-id'),
      'webhook-timestamp': headerValue(headers, 'webhook-timestamp'),
      'webhook-signature': headerValue(headers, 'webhook-signature'),
    };
    return verifiers.some((webhook) => {
      try {
        webhook.verify(body, signed);
        return true;
      } catch {
        return false;
      }
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://receiver');
    if (request.method === 'GET' && url.pathname === '/healthz') {
      send(response, 200, { status: 'ok' });
      return;
    }
    if (url.pathname !== path || request.method !== 'POST') {
      send(response, 404, {
        code: 404,
        message: `The requested webhook "${request.method ?? ''} ${url.pathname}" is not registered.`,
      });
      return;
    }
    const body = await readBody(request);
    requestCount += 1;
    const current = scripted.shift() ?? mode;
    events.emit('request');
    if (current === 'drop') {
      request.socket.destroy();
      return;
    }
    if (current === 'timeout') return;
    if (current === 'slow') await new Promise((resolve) => setTimeout(resolve, delayMs));
    const answer = answers[current];
    if (answer) {
      send(response, answer.status, answer.body);
      return;
    }
    const required = options.requireHeader;
    if (required) {
      const got = headerValue(request.headers, required.name.toLowerCase());
      if (got !== required.value) {
        send(response, got ? 403 : 401, (got ? answers.forbidden : answers.unauthorized)?.body);
        return;
      }
    }
    const id = headerValue(request.headers, 'webhook-id');
    received.push({
      id,
      timestamp: Number(headerValue(request.headers, 'webhook-timestamp')),
      signatureValid: verify(body, request.headers),
      body: JSON.parse(body) as Record<string, unknown>,
      headers: request.headers,
    });
    ids.add(id);
    send(response, 200, { message: 'Workflow was started' });
    events.emit('delivered');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      send(response, 500, { message: error instanceof Error ? error.message : String(error) });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${String(port)}`;

  const waitUntil = (event: string, done: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (done()) {
        resolve();
        return;
      }
      const timer = setTimeout(() => {
        events.off(event, check);
        reject(new Error(`receiver: timed out waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        events.off(event, check);
        resolve();
      };
      events.on(event, check);
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) {
        resolve();
        return;
      }
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  return {
    url: `${origin}${path}`,
    origin,
    received,
    get requestCount() {
      return requestCount;
    },
    deliveredIds: () => new Set(ids),
    setMode(next, nextDelayMs) {
      mode = next;
      if (nextDelayMs !== undefined) delayMs = nextDelayMs;
    },
    failNext(count, failMode) {
      for (let i = 0; i < count; i++) scripted.push(failMode);
    },
    waitForDelivered: (count, timeoutMs = 60_000) =>
      waitUntil(
        'delivered',
        () => ids.size >= count,
        `${String(count)} deliveries (have ${String(ids.size)})`,
        timeoutMs,
      ),
    waitForRequests: (count, timeoutMs = 60_000) =>
      waitUntil(
        'request',
        () => requestCount >= count,
        `${String(count)} requests (have ${String(requestCount)})`,
        timeoutMs,
      ),
    stop,
    start: () => listen(port),
    close: stop,
  };
}
