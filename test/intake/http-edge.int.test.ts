import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

// The edge of the HTTP service: what a hostile or broken client can send before any route runs.

interface RawAnswer {
  /** Everything the server wrote before the connection ended. */
  readonly text: string;
  /** The status of the first answer, if any. */
  readonly status: number | undefined;
  /** The body of the first answer. */
  readonly body: string;
  /** Milliseconds from connecting to the server closing the connection. */
  readonly ms: number;
}

/**
 * Sends raw bytes and collects what comes back until the server closes the connection (or
 * `giveUpMs`). `drip` bytes, when given, are written one at a time every `dripEveryMs`.
 */
function rawRequest(
  base: string,
  head: string,
  options: { drip?: string; dripEveryMs?: number; giveUpMs?: number } = {},
): Promise<RawAnswer> {
  const { port, hostname } = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({
        text,
        status: status === undefined ? undefined : Number(status),
        body: text.split('\r\n\r\n').slice(1).join('\r\n\r\n'),
        ms: performance.now() - started,
      });
      socket.destroy();
    };
    const giveUp = setTimeout(finish, options.giveUpMs ?? 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.on('connect', () => {
      socket.write(head);
      const drip = options.drip ?? '';
      let next = 0;
      if (drip.length > 0) {
        timer = setInterval(() => {
          if (next >= drip.length || socket.destroyed) return;
          socket.write(drip.charAt(next));
          next += 1;
        }, options.dripEveryMs ?? 200);
      }
    });
  });
}

/** The sum of every series of a Prometheus counter (all labels). */
function counterTotal(metrics: string, name: string): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.split(' ').pop());
  }
  return total;
}

async function metricsText(intake: IntakeUnderTest): Promise<string> {
  return (await fetch(`${intake.base}/metrics`)).text();
}

/** Waits until a log line satisfies `match`, for at most `ms`. */
async function logLine(
  intake: IntakeUnderTest,
  match: (line: Record<string, unknown>) => boolean,
  ms = 3_000,
): Promise<Record<string, unknown> | undefined> {
  const deadline = Date.now() + ms;
  for (;;) {
    for (const text of intake.logs) {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (match(line)) return line;
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The uniform error body: `{"error":{"code","message"}}` and nothing else at the top. */
function expectUniformError(body: string, code: string): void {
  const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(parsed)).toEqual(['error']);
  expect(parsed.error?.code).toBe(code);
  expect(typeof parsed.error?.message).toBe('string');
}

let intake: IntakeUnderTest;

/** A test-only route that fails as Fastify's own client errors do: a code, a status, a message quoting input. */
const frameworkErrorPath = '/test/framework-error';

beforeAll(async () => {
  intake = await startIntake({
    config: {
      server: { requestTimeoutMs: 1_000 },
      intake: { rateLimit: { perIpMax: 10_000, perEmailMax: 1_000 } },
    },
    routes: (app) => {
      app.get<{ Params: { status: string } }>(`${frameworkErrorPath}/:status`, (request) => {
        const statusCode = Number(request.params.status);
        throw Object.assign(new Error('the framework quotes "marker"'), { code: 'FST_ERR_TEST', statusCode });
      });
    },
  });
});
afterAll(async () => {
  await intake.close();
});

describe('long URLs', () => {
  const longPath = `/${'a'.repeat(16_000)}`;
  // Default timeouts: a stalled event loop must show as slow answers, not as request timeouts.
  const plain = useIntake({
    config: { intake: { rateLimit: { perIpMax: 10_000, perEmailMax: 1_000 } } },
  });

  it('refuses a 16,000-character URL with 414 in the uniform error body, without echoing it', async () => {
    const response = await fetch(`${intake.base}${longPath}`);
    const body = await response.text();
    expect(response.status).toBe(414);
    expectUniformError(body, 'uri_too_long');
    expect(body).not.toContain('aaaaaaaa');
  });

  it('eight clients sending long URLs in parallel do not make a legitimate request wait seconds', async () => {
    let attacking = true;
    // The shapes that were slow to mask (letters without an @, digits between separators), and
    // one under the URL limit: the logged path is masked in every case, refused or not.
    const paths = [longPath, `/x/${'1- '.repeat(5_000)}`, `/x/${'b'.repeat(3_000)}`];
    const attacker = async (index: number) => {
      let sent = 0;
      while (attacking) {
        const response = await fetch(`${plain.base}${paths[(index + sent) % paths.length] ?? '/'}`);
        await response.arrayBuffer();
        sent += 1;
      }
      return sent;
    };
    const attackers = Array.from({ length: 8 }, (_, index) => attacker(index));
    await new Promise((resolve) => setTimeout(resolve, 200));
    let waited = 0;
    try {
      for (let round = 0; round < 5; round += 1) {
        const started = performance.now();
        const response = await plain.post(validLead());
        expect(response.status).toBe(201);
        waited += performance.now() - started;
      }
    } finally {
      attacking = false;
    }
    const sent = await Promise.all(attackers);
    expect(sent.every((count) => count > 0)).toBe(true);
    // Coarse: with the quadratic masking each of these five waited about a second.
    expect(waited).toBeLessThan(2_000);
  });
});

describe('percent-encoded personal data in URLs', () => {
  it('masks every encoding of an email or a phone number in the logged path and query', async () => {
    const requests = [
      '/x/ada%40example.com',
      '/x/%61%64%61%40%65%78%61%6d%70%6c%65%2e%63%6f%6d',
      '/x/ADA%40Example.COM/y',
      '/x/07700%20900123',
      '/x/07700%2d900%2D123',
      '/x/%2B44%207700%20900123',
      '/x/07700900123',
      '/?c=ada%40example.com&p=07700+900+123',
      '/?contact=ada@example.com&t=%2b44+7700+900123',
      '/?q=%3Cada%40example.com%3E&r=tel:07700%2D900%2D123',
      // Values of personal fields are redacted whole: masking cannot recognise a name.
      '/?first_name=Ada&email=ada%40example.com&phone_number=07700+900123',
    ];
    for (const path of requests) {
      const response = await fetch(`${intake.base}${path}`);
      await response.arrayBuffer();
    }
    const lines = intake.logs.filter((line) => line.includes('"msg":"request"'));
    const text = lines.join('\n');
    const leaks = ['Ada', 'ada@', 'ada%40', 'ADA%40', '%61%64%61', '900123', '900%2D123', '900+123'].filter(
      (forbidden) => text.includes(forbidden),
    );
    expect(leaks).toEqual([]);
    expect(/7700\D{0,3}900/.exec(text)?.[0]).toBeUndefined();
    // The query is logged, masked, not dropped.
    const queries = lines.map((line) => (JSON.parse(line) as { query?: string }).query);
    expect(queries).toContain('c=a***@example.com&p=07*******23');
    expect(queries).toContain('first_name=[redacted]&email=[redacted]&phone_number=[redacted]');
  });

  it('logs malformed percent-escapes without failing the request or its log line', async () => {
    const before = intake.logs.filter((line) => line.includes('"msg":"request"')).length;
    for (const path of ['/x/%E0%A4%A', '/x/%zz%4', '/?q=%', '/?q=%ZZada%40example.com']) {
      const response = await fetch(`${intake.base}${path}`);
      expect(response.status).toBeLessThan(500);
      await response.arrayBuffer();
    }
    const lines = intake.logs.filter((line) => line.includes('"msg":"request"'));
    expect(lines.length - before).toBe(4);
    expect(lines.join('\n').includes('ada%40')).toBe(false);
  });
});

describe('a client that drops its connection mid-upload', () => {
  it('is logged as client_closed_request (499), and no database or 5xx counter moves', async () => {
    const before = await metricsText(intake);
    const body = JSON.stringify(validLead());
    const head =
      `POST /api/contact HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${body.length + 500}\r\n\r\n${body.slice(0, body.length / 2)}`;
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(intake.base).port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.on('connect', () => {
        socket.write(head, () => {
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 100);
        });
      });
    });
    const line = await logLine(intake, (l) => l.msg === 'client_closed_request');
    expect(line).toBeDefined();
    expect(line?.level).toBeLessThan(50);
    const request = await logLine(intake, (l) => l.msg === 'request' && l.reqId === line?.reqId);
    expect(request?.status).toBe(499);
    const after = await metricsText(intake);
    expect(intake.logs.some((l) => l.includes('database_unavailable'))).toBe(false);
    for (const name of ['database_errors_total', 'http_requests_errors_total']) {
      expect(counterTotal(after, name), name).toBe(counterTotal(before, name));
    }
    expect(
      counterTotal(after, 'http_requests_total{method="POST",route="/api/contact",status="499"}') -
        counterTotal(before, 'http_requests_total{method="POST",route="/api/contact",status="499"}'),
    ).toBe(1);
  });
});

describe('a client that hangs up while its lead is being stored', () => {
  it('is counted as 499, not as a success nor a failure, and the lead is still stored once', async () => {
    const before = await metricsText(intake);
    const leadsBefore = (await intake.counts()).leads;
    // Hold the leads table so that the handler waits inside its transaction.
    const holder = await intake.database.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE hermes_leads IN ACCESS EXCLUSIVE MODE');
      const body = JSON.stringify(validLead());
      await new Promise<void>((resolve) => {
        const socket = net.connect(Number(new URL(intake.base).port), '127.0.0.1');
        socket.on('error', () => undefined);
        socket.on('connect', () => {
          socket.write(
            `POST /api/contact HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
              `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
            () => {
              setTimeout(() => {
                socket.destroy();
                resolve();
              }, 300);
            },
          );
        });
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await holder.query('COMMIT');
      holder.release();
    }
    const series = 'http_requests_total{method="POST",route="/api/contact",status="499"}';
    const deadline = Date.now() + 3_000;
    while (counterTotal(await metricsText(intake), series) === counterTotal(before, series)) {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const after = await metricsText(intake);
    expect(counterTotal(after, series) - counterTotal(before, series)).toBe(1);
    for (const name of ['database_errors_total', 'http_requests_errors_total']) {
      expect(counterTotal(after, name), name).toBe(counterTotal(before, name));
    }
    const created = 'http_requests_total{method="POST",route="/api/contact",status="201"}';
    expect(counterTotal(after, created)).toBe(counterTotal(before, created));
    // The handler went on to commit the lead: a retry with an Idempotency-Key would get its answer.
    for (let waited = 0; (await intake.counts()).leads === leadsBefore && waited < 3_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await intake.counts()).leads).toBe(leadsBefore + 1);
  });
});

describe('a slow client', () => {
  it('trickling a body is cut off near server.requestTimeoutMs (1 s here)', async () => {
    const answer = await rawRequest(
      intake.base,
      'POST /api/contact HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
      { drip: 'x'.repeat(1000), dripEveryMs: 200, giveUpMs: 15_000 },
    );
    expect(answer.ms).toBeLessThan(5_000);
    expect(answer.status).toBe(408);
    expectUniformError(answer.body, 'request_timeout');
    // Logged and counted as the client's slowness (408), not as a client that hung up or a failure.
    const line = await logLine(intake, (l) => l.msg === 'request' && l.status === 408);
    expect(line?.route).toBe('/api/contact');
  });

  it('trickling its headers is cut off near server.requestTimeoutMs too', async () => {
    const answer = await rawRequest(intake.base, 'GET / HTTP/1.1\r\nHost: localhost\r\n', {
      drip: `X-Slow: ${'y'.repeat(1000)}`,
      dripEveryMs: 200,
      giveUpMs: 15_000,
    });
    expect(answer.ms).toBeLessThan(5_000);
    expect(answer.status).toBe(408);
    expectUniformError(answer.body, 'request_timeout');
  });
});

describe('the framework’s own refusals', () => {
  it('answer a too-long route parameter with 414 in the uniform body, without echoing it', async () => {
    const response = await fetch(`${intake.base}/api/admin/leads/${'Q'.repeat(300)}`);
    const body = await response.text();
    expect(response.status).toBe(414);
    expectUniformError(body, 'uri_too_long');
    expect(body).not.toContain('QQQQ');
  });

  it('answer a malformed URL with 400 in the uniform body, without echoing it, logged and counted', async () => {
    const before = await metricsText(intake);
    const response = await fetch(`${intake.base}/api/admin/leads/%E0%A4%A-marker`);
    const body = await response.text();
    expect(response.status).toBe(400);
    expectUniformError(body, 'bad_url');
    expect(body).not.toContain('marker');
    const line = await logLine(intake, (l) => l.msg === 'request' && String(l.path).endsWith('%A-marker'));
    expect(line?.status).toBe(400);
    const series = 'http_requests_total{method="GET",route="unmatched",status="400"}';
    expect(counterTotal(await metricsText(intake), series) - counterTotal(before, series)).toBe(1);
  });

  it.each([
    ['a header name with a space', 'GET / HTTP/1.1\r\nHost: localhost\r\nBad Header-marker: 1\r\n\r\n', 400],
    ['a control character in the request line', 'GET /marker\x01 HTTP/1.1\r\nHost: localhost\r\n\r\n', 400],
    [
      'a Content-Length that is not a number',
      'POST /marker HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1x\r\n\r\n',
      400,
    ],
    [
      'headers larger than the server takes',
      `GET /marker HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'z'.repeat(70_000)}\r\n\r\n`,
      431,
    ],
  ])('answer %s in the uniform body', async (_name, head, status) => {
    const answer = await rawRequest(intake.base, head, { giveUpMs: 3_000 });
    expect(answer.status).toBe(status);
    expectUniformError(answer.body, status === 431 ? 'headers_too_large' : 'bad_request');
    expect(answer.text).not.toContain('marker');
    expect(answer.text).toMatch(/\r\nContent-Type: application\/json; charset=utf-8\r\n/i);
  });
});

describe('the framework’s other client errors', () => {
  // One code per status, each in a fixed sentence, with the headers of every other error answer.
  it.each([
    [408, 'request_timeout'],
    [413, 'body_too_large'],
    [415, 'unsupported_media_type'],
    [431, 'headers_too_large'],
  ])('answer %i as %s in the uniform body, without the framework’s message', async (status, code) => {
    const response = await fetch(`${intake.base}${frameworkErrorPath}/${status}`);
    const body = await response.text();
    expect(response.status).toBe(status);
    expectUniformError(body, code);
    expect(body).not.toContain('marker');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});
