import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { checkN8nHealth, probeN8n, publicScrubber } from '../../src/delivery/check-n8n-health.ts';

// /health/n8n when n8n does not answer in time or refuses the connection, and when the database
// behind the deliveries' facts cannot be read: every reason named, each view seeing what it may.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** An HTTP server that reads requests and never answers them. */
async function silentServer(): Promise<string> {
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
}

/** A port of 127.0.0.1 that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('probeN8n', () => {
  it('gives up at the timeout and says so to both views', async () => {
    const url = `${await silentServer()}/healthz`;
    const started = Date.now();
    const probe = await probeN8n(url, 300);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(probe).toMatchObject({
      reachable: false,
      statusCode: null,
      error: 'no answer before the timeout',
      publicError: 'no answer before the timeout',
    });
  });

  it('names a refused connection by its code in public, and in full (address included) for admins', async () => {
    const port = await closedPort();
    const probe = await probeN8n(`http://127.0.0.1:${String(port)}/healthz`, 2_000);
    expect(probe).toMatchObject({ reachable: false, statusCode: null, publicError: 'ECONNREFUSED' });
    expect(probe.error).toContain(`ECONNREFUSED 127.0.0.1:${String(port)}`);
  });
});

describe('checkN8nHealth when the deliveries cannot be read', () => {
  it('is unhealthy, gives the admin the reason and the public only its kind, with no facts or backlog', async () => {
    const port = await closedPort();
    const pool = new pg.Pool({ connectionString: `postgres://hermes@127.0.0.1:${String(port)}/hermes` });
    closers.push(() => pool.end());
    const config = configSchema.parse({
      n8n: {
        webhookUrl: 'https://n8n.example/webhook/secret-path',
        healthUrl: 'https://n8n.example/healthz',
      },
    });
    const probe = () =>
      Promise.resolve({ reachable: true, statusCode: 200, latencyMs: 3, error: null, publicError: null });
    const scrubPublic = publicScrubber(config.n8n);

    const admin = await checkN8nHealth(config, pool, { view: 'admin', probe, scrubPublic });
    expect(admin.healthy).toBe(false);
    expect(admin.body).toMatchObject({
      status: 'unavailable',
      reasons: [expect.stringMatching(/^the database cannot be read: .*ECONNREFUSED/)],
      last_success_at: null,
      consecutive_failures: null,
      last_failure: null,
      backlog: null,
    });

    const shown = await checkN8nHealth(config, pool, { view: 'public', probe, scrubPublic });
    expect(shown.healthy).toBe(false);
    expect(shown.body).toMatchObject({
      reasons: ['the database cannot be read: connection_failure'],
      backlog: null,
    });
    expect(JSON.stringify(shown.body)).not.toContain('secret-path');
  });
});
