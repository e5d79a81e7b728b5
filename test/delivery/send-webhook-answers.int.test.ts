import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook, type WebhookTarget } from '../../src/delivery/send-webhook.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const deliveryId = '00000000-0000-4000-8000-000000000001';

/** One HTTP server for the file; each test says how it answers. */
let answer: Handler = (_request, response) => response.end();
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((request, response) => {
    // Read the whole request first, as n8n does.
    request.resume();
    request.on('end', () => answer(request, response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/webhook/hermes-leads`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function target(overrides: Partial<WebhookTarget> = {}): WebhookTarget {
  return { url, signingKeys: [], authHeaders: {}, timeoutMs: 2_000, excerptChars: 40, ...overrides };
}

describe("sendWebhook: what n8n's answer comes to", () => {
  it.each([
    [404, 'webhook_not_registered'],
    [401, 'auth_rejected'],
    [403, 'auth_rejected'],
    [408, 'timeout'],
    [413, 'payload_too_large'],
    [429, 'rate_limited'],
    [418, 'http_error'],
    [500, 'server_error'],
    [503, 'server_error'],
  ] as const)(
    'HTTP %i is %s, with the status as the error and the answer as the excerpt',
    async (status, outcome) => {
      answer = (_request, response) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(`{"message":"answer ${String(status)}"}`);
      };
      const sent = await sendWebhook(target(), deliveryId, '{}');
      expect(sent).toMatchObject({
        outcome,
        statusCode: status,
        error: `HTTP ${String(status)}`,
        responseExcerpt: `{"message":"answer ${String(status)}"}`,
      });
    },
  );

  it('does not follow a redirect: a 3xx is an http_error, never a request elsewhere', async () => {
    let requests = 0;
    answer = (_request, response) => {
      requests += 1;
      response.writeHead(307, { location: `${url}/elsewhere` });
      response.end();
    };
    const sent = await sendWebhook(target(), deliveryId, '{}');
    expect(sent).toMatchObject({ outcome: 'http_error', statusCode: 307, error: 'HTTP 307' });
    expect(requests).toBe(1);
  });

  it('keeps at most excerptChars of the answer, masking an email it echoes, and does not wait for the rest', async () => {
    answer = (_request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      // The start of an answer that never ends: only a reader that stops early returns before the timeout.
      response.write(`failed for ada@example.com ${'x'.repeat(100)}`);
    };
    const sent = await sendWebhook(target({ timeoutMs: 5_000 }), deliveryId, '{}');
    expect(sent.outcome).toBe('server_error');
    expect(sent.responseExcerpt).toBe(`failed for a***@example.com ${'x'.repeat(13)}`);
    expect(sent.latencyMs).toBeLessThan(4_000);
  });

  it('stores no excerpt when excerptChars is 0, and none for an empty answer', async () => {
    answer = (_request, response) => {
      response.writeHead(200);
      response.end('{"message":"Workflow was started"}');
    };
    expect(await sendWebhook(target({ excerptChars: 0 }), deliveryId, '{}')).toMatchObject({
      outcome: 'delivered',
      statusCode: 200,
      error: null,
      responseExcerpt: null,
    });
    answer = (_request, response) => {
      response.writeHead(200);
      response.end();
    };
    expect(await sendWebhook(target(), deliveryId, '{}')).toMatchObject({
      outcome: 'delivered',
      error: null,
      responseExcerpt: null,
    });
    answer = (_request, response) => {
      response.writeHead(204);
      response.end();
    };
    expect(await sendWebhook(target(), deliveryId, '{}')).toMatchObject({
      outcome: 'delivered',
      statusCode: 204,
      responseExcerpt: null,
    });
  });

  it('is a timeout when n8n does not answer in timeoutMs', async () => {
    answer = () => undefined;
    const sent = await sendWebhook(target({ timeoutMs: 300 }), deliveryId, '{}');
    expect(sent).toEqual({
      outcome: 'timeout',
      statusCode: null,
      latencyMs: expect.any(Number) as unknown,
      error: 'no answer before the timeout',
      responseExcerpt: null,
    });
    expect(sent.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it('is a connection_error naming the cause when nothing listens, or when fetch refuses the URL', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const refused = await sendWebhook(target({ url: `http://127.0.0.1:${String(port)}/` }), deliveryId, '{}');
    expect(refused).toMatchObject({ outcome: 'connection_error', statusCode: null, responseExcerpt: null });
    expect(refused.error).toMatch(/^ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);

    // fetch's own refusal (a port it blocks): its cause has no code, so the message alone.
    const blocked = await sendWebhook(target({ url: 'http://127.0.0.1:25/' }), deliveryId, '{}');
    expect(blocked).toMatchObject({ outcome: 'connection_error', statusCode: null, error: 'bad port' });
  });
});
