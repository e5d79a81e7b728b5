import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntake, type IntakeUnderTest } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';
import { type TestDatabase, useTestDatabase } from '../support/test-database.ts';

/** n8n's side of /health/n8n: answers `/healthz`, 404 (echoing the path, as n8n does) elsewhere; counts requests. */
interface CountingN8n {
  readonly origin: string;
  readonly requests: number;
  close(): Promise<void>;
}

async function startCountingN8n(): Promise<CountingN8n> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    const path = new URL(request.url ?? '/', 'http://n8n').pathname;
    const [status, body] =
      path === '/healthz'
        ? [200, { status: 'ok' }]
        : [
            404,
            {
              code: 404,
              message: `The requested webhook "${request.method ?? ''} ${path}" is not registered.`,
            },
          ];
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const getJson = async (url: string, headers: Record<string, string> = {}) => {
  const response = await fetch(url, { headers });
  return { status: response.status, text: await response.text() };
};

describe('/health/n8n', () => {
  // The webhook path is often the only secret of an n8n webhook.
  const secretPath = `/webhook/${randomBytes(12).toString('hex')}`;
  const headerSecret = randomBytes(12).toString('hex');
  const adminKey = randomBytes(24).toString('hex');
  const admin = { authorization: `Bearer ${adminKey}` };
  let n8n: CountingN8n;
  let intake: IntakeUnderTest;

  beforeAll(async () => {
    n8n = await startCountingN8n();
    intake = await startIntake({
      config: {
        admin: { apiKeys: [adminKey] },
        n8n: {
          webhookUrl: `${n8n.origin}${secretPath}`,
          headerAuth: { name: 'x-n8n-key', secret: headerSecret },
        },
      },
    });
  });
  afterAll(async () => {
    await intake.close();
    await n8n.close();
  });

  it('answers a burst of 20 requests with one probe of n8n, and shows the public only scheme and host', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => getJson(`${intake.base}/health/n8n`)));
    expect(n8n.requests).toBe(1);
    for (const { status, text } of answers) {
      expect(status).toBe(200);
      expect(text).not.toContain(secretPath.slice('/webhook/'.length));
      expect(text).not.toContain(headerSecret);
      expect(JSON.parse(text)).toMatchObject({
        status: 'ok',
        webhook_url: n8n.origin,
        n8n: { url: n8n.origin, reachable: true, status_code: 200 },
      });
    }
    // Still cached a moment later.
    await getJson(`${intake.base}/health/n8n`);
    expect(n8n.requests).toBe(1);
  });

  it('shows the full webhook URL to admins, behind the admin guard, and never on /health/n8n', async () => {
    const asAdmin = await getJson(`${intake.base}/api/admin/n8n/health`, admin);
    expect(asAdmin.status).toBe(200);
    expect(JSON.parse(asAdmin.text)).toMatchObject({
      webhook_url: `${n8n.origin}${secretPath}`,
      n8n: { url: `${n8n.origin}/healthz`, reachable: true },
    });
    expect(asAdmin.text).not.toContain(headerSecret);
    // The admin view shares the public one's cached probe.
    expect(n8n.requests).toBe(1);

    // A key on the public route changes nothing: it is no oracle to guess keys with.
    const withKey = await getJson(`${intake.base}/health/n8n`, admin);
    expect(withKey.status).toBe(200);
    expect(withKey.text).not.toContain(secretPath.slice('/webhook/'.length));
    expect(JSON.parse(withKey.text)).toMatchObject({ webhook_url: n8n.origin });

    for (const authorization of [`Bearer ${adminKey}x`, adminKey, `Basic ${adminKey}`, 'Bearer ']) {
      const refused = await getJson(`${intake.base}/api/admin/n8n/health`, { authorization });
      expect(refused.status).toBe(401);
      expect(refused.text).not.toContain(secretPath.slice('/webhook/'.length));
    }
  });
});

describe('/health/n8n when n8n fails', () => {
  const webhookPath = `/webhook/${randomBytes(12).toString('hex')}`;
  const healthPath = `/probe/${randomBytes(12).toString('hex')}`;
  const adminKey = randomBytes(24).toString('hex');
  let n8n: CountingN8n;
  const started: IntakeUnderTest[] = [];
  const secrets = [webhookPath.slice('/webhook/'.length), healthPath.slice('/probe/'.length)];

  beforeAll(async () => {
    n8n = await startCountingN8n();
  });
  afterAll(async () => {
    for (const intake of started) await intake.close();
    await n8n.close();
  });

  const start = async (n8nConfig: Record<string, unknown>) => {
    const intake = await startIntake({ config: { admin: { apiKeys: [adminKey] }, n8n: n8nConfig } });
    started.push(intake);
    return intake;
  };

  it('reveals neither path in the reasons or error texts when the health URL answers 404 (echoing its path)', async () => {
    const intake = await start({
      webhookUrl: `${n8n.origin}${webhookPath}`,
      healthUrl: `${n8n.origin}${healthPath}`,
    });
    const { status, text } = await getJson(`${intake.base}/health/n8n`);
    expect(status).toBe(503);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({
      status: 'unavailable',
      reasons: [`n8n is unreachable at ${n8n.origin}: HTTP 404`],
      n8n: { url: n8n.origin, reachable: false, status_code: 404 },
      webhook_url: n8n.origin,
    });

    const asAdmin = await getJson(`${intake.base}/api/admin/n8n/health`, {
      authorization: `Bearer ${adminKey}`,
    });
    expect(asAdmin.status).toBe(503);
    expect(JSON.parse(asAdmin.text)).toMatchObject({
      n8n: { url: `${n8n.origin}${healthPath}` },
      webhook_url: `${n8n.origin}${webhookPath}`,
    });
  });

  it('reveals neither path when n8n refuses the connection', async () => {
    const origin = `http://127.0.0.1:${String(await closedPort())}`;
    const intake = await start({
      webhookUrl: `${origin}${webhookPath}`,
      healthUrl: `${origin}${healthPath}`,
    });
    const { status, text } = await getJson(`${intake.base}/health/n8n`);
    expect(status).toBe(503);
    for (const secret of secrets) expect(text).not.toContain(secret);
    const body = JSON.parse(text) as { reasons: string[]; n8n: { url: string; error: string } };
    expect(body.n8n).toMatchObject({ url: origin, error: 'ECONNREFUSED' });
    expect(body.reasons).toEqual([`n8n is unreachable at ${origin}: ECONNREFUSED`]);
  });
});

/**
 * Makes every connection of the pools report its statistics now (a backend otherwise keeps its
 * counts for up to 10 s), then starts a fresh statistics snapshot on the measuring connection.
 */
async function reportStats(database: TestDatabase, pools: readonly pg.Pool[]): Promise<void> {
  for (const pool of pools) {
    const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
    for (const client of clients) {
      await client.query('SELECT pg_stat_force_next_flush()');
      client.release();
    }
  }
  await database.pool.query('SELECT pg_stat_clear_snapshot()');
}

/**
 * Rows inserted into the catalog so far (pg_class, pg_attribute, pg_type, pg_depend): a temp table
 * adds 13; inserts are counted whether their transaction commits or not, and vacuum never lowers them.
 */
async function catalogInserts(database: TestDatabase, pools: readonly pg.Pool[]): Promise<number> {
  await reportStats(database, pools);
  const { rows } = await database.pool.query<{ inserted: number }>(
    `SELECT sum(n_tup_ins)::int AS inserted FROM pg_stat_sys_tables
     WHERE schemaname = 'pg_catalog' AND relname IN ('pg_class', 'pg_attribute', 'pg_type', 'pg_depend')`,
  );
  return rows[0]?.inserted ?? -1;
}

/** Rows inserted into the write probe's table so far, rolled back or not: one per probe. */
async function probeWrites(database: TestDatabase, pool: pg.Pool): Promise<number> {
  await reportStats(database, [pool]);
  const { rows } = await database.pool.query<{ inserted: number }>(
    `SELECT n_tup_ins::int AS inserted FROM pg_stat_user_tables
     WHERE schemaname = 'hermes_ops' AND relname = 'settings'`,
  );
  return rows[0]?.inserted ?? -1;
}

describe('/health/database', () => {
  const database = useTestDatabase();
  const intake = useIntake({ database });

  it('proves a read and a write 300 times without adding a row to the catalog, and leaves nothing behind', async () => {
    const settings = async () =>
      (
        await database.pool.query<{ key: string; value: string }>(
          'SELECT key, value FROM hermes_ops.settings ORDER BY key',
        )
      ).rows;
    const settingsBefore = await settings();
    const before = await catalogInserts(database, [database.pool, intake.pool]);
    const writesBefore = await probeWrites(database, intake.pool);
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      const response = await fetch(`${intake.base}/health/database`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', read: true, write: true });
    }
    const elapsedS = (performance.now() - started) / 1000;
    expect(await catalogInserts(database, [database.pool, intake.pool])).toBe(before);
    // A real write: at least one insert reached the table; the rate bound: about one a second.
    const writes = (await probeWrites(database, intake.pool)) - writesBefore;
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(Math.ceil(elapsedS) + 2);
    expect(await settings()).toEqual(settingsBefore);
  });

  it('shares one probe among concurrent callers', async () => {
    // Past the cached result of the previous test.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const before = await probeWrites(database, intake.pool);
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => (await fetch(`${intake.base}/health/database`)).status),
    );
    expect(answers).toEqual(Array.from({ length: 50 }, () => 200));
    expect((await probeWrites(database, intake.pool)) - before).toBe(1);
  });
});

describe('/health/database on a read-only database', () => {
  const database = useTestDatabase();
  let intake: IntakeUnderTest;

  beforeAll(async () => {
    await database.pool.query(
      `ALTER DATABASE ${pg.escapeIdentifier(database.name)} SET default_transaction_read_only = on`,
    );
    // A configured key: the shared one would be written to the database at startup.
    intake = await startIntake({
      database,
      config: { intake: { formTokenSecret: randomBytes(16).toString('hex') } },
    });
  });
  afterAll(async () => {
    await intake.close();
  });

  it('answers 503 with the kind only when the database refuses writes', async () => {
    const response = await fetch(`${intake.base}/health/database`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'unavailable', reason: 'unavailable' });
    expect(Object.keys(body).sort()).toEqual(['pool', 'reason', 'status']);
  });
});
