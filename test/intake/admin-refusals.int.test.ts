import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeSchemaSnapshot } from '../../src/migrations/schema-snapshot.ts';
import { createTestDatabase, migrationsDir } from '../support/test-database.ts';
import { startIntake, type IntakeUnderTest } from './support/start-intake.ts';
import { testMigrator } from '../support/migration-dir.ts';

const key = 'the-right-admin-key-0123456789abcdef';
const authenticatedMax = 30;
let intake: IntakeUnderTest;

beforeAll(async () => {
  intake = await startIntake({
    config: {
      // X-Forwarded-For names the client, so one test process can be many clients.
      server: { trustProxy: true },
      // The refusal budget keeps its defaults (10 per 15 minutes); the authenticated one is small
      // here only so that exhausting it stays quick.
      admin: { apiKeys: [key], rateLimit: { perClientMax: authenticatedMax } },
    },
  });
});
afterAll(async () => {
  await intake.close();
});

const routes: { path: string; method: 'GET' | 'POST'; body?: unknown }[] = [
  { path: '/api/admin/leads/HS-20000101-000000', method: 'GET' },
  { path: '/api/admin/deliveries', method: 'GET' },
  { path: '/api/admin/gdpr/erase', method: 'POST', body: { email: 'someone@example.com' } },
];

function call(client: string, bearer: string | null, route = routes[0]) {
  const { path, method, body } = route ?? { path: '/api/admin/deliveries', method: 'GET' };
  return fetch(`${intake.base}${path}`, {
    method,
    headers: {
      'x-forwarded-for': client,
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function auditRows() {
  const { rows } = await intake.database.pool.query<{ actor: string; action: string; outcome: string }>(
    'SELECT actor, action, outcome FROM hermes_ops.audit_log ORDER BY id',
  );
  return rows;
}

interface RefusalRow {
  client: string;
  window_start: Date;
  attempts: number;
  rate_limited: number;
}

async function refusals(client: string): Promise<RefusalRow[]> {
  const { rows } = await intake.database.pool.query<RefusalRow>(
    `SELECT client, window_start, attempts::int AS attempts, rate_limited::int AS rate_limited
     FROM hermes_ops.admin_refusals WHERE client = $1 ORDER BY window_start`,
    [client],
  );
  return rows;
}

async function refusedMetric(): Promise<{ unauthorized: number; rate_limited: number }> {
  const text = await (await fetch(`${intake.base}/metrics`)).text();
  const read = (reason: string) => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`admin_requests_refused_total{reason="${reason}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  return { unauthorized: read('unauthorized'), rate_limited: read('rate_limited') };
}

/** Ten refused attempts (the default budget), so that the next one is over it. */
async function exhaustRefusals(client: string): Promise<void> {
  for (let i = 0; i < 10; i += 1) expect((await call(client, 'a-wrong-key-a-wrong-key')).status).toBe(401);
}

describe('refused admin requests', () => {
  it('1,000 unauthenticated requests: 10 answered 401, then 429 with Retry-After (the right key too); one counter row per client and window; no audit row each; the metric moves', async () => {
    const client = '203.0.113.50';
    const auditBefore = (await auditRows()).length;
    const metricBefore = await refusedMetric();

    const answers: { status: number; retryAfter: string | null; code: unknown }[] = [];
    for (let batch = 0; batch < 20; batch += 1) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          call(client, i % 2 === 0 ? null : `wrong-key-${batch}-${i}-padding`, routes[i % routes.length]),
        ),
      );
      for (const response of responses) {
        const body = (await response.json()) as { error?: { code?: unknown } };
        answers.push({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          code: body.error?.code,
        });
      }
    }
    expect(answers.filter((a) => a.status === 401)).toHaveLength(10);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(990);
    for (const answer of limited) {
      expect(answer.code).toBe('rate_limited');
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(answer.retryAfter)).toBeLessThanOrEqual(15 * 60);
    }

    // Locked out means locked out: answering the right key differently would tell a brute-forcer it found it.
    const right = await call(client, key);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    const rows = await refusals(client);
    // One row per window: two only if the run straddled a window boundary.
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(rows.reduce((sum, r) => sum + r.attempts, 0)).toBe(1001);
    expect(rows.reduce((sum, r) => sum + r.rate_limited, 0)).toBe(991);
    for (const row of rows) expect(row.window_start.getTime() % (15 * 60_000)).toBe(0);
    const { rows: all } = await intake.database.pool.query('SELECT * FROM hermes_ops.admin_refusals');
    expect(JSON.stringify(all)).not.toContain('wrong-key');
    expect(JSON.stringify(all)).not.toContain(key);

    expect(await auditRows()).toHaveLength(auditBefore);

    const metricAfter = await refusedMetric();
    expect(metricAfter.unauthorized - metricBefore.unauthorized).toBe(10);
    expect(metricAfter.rate_limited - metricBefore.rate_limited).toBe(991);
  });

  it('an admin calling from another client still gets through while one is locked out, audited one row per call', async () => {
    await exhaustRefusals('203.0.113.60');
    expect((await call('203.0.113.60', key)).status).toBe(429);

    const other = '198.51.100.9';
    const listed = await call(other, key, routes[1]);
    expect(listed.status).toBe(200);
    const shown = await call(other, key, routes[0]);
    expect(shown.status).toBe(404);
    const trail = (await auditRows()).slice(-2);
    expect(trail).toEqual([
      {
        actor: expect.stringMatching(/^key:[0-9a-f]{12}$/) as unknown,
        action: 'deliveries.list',
        outcome: 'ok',
      },
      {
        actor: expect.stringMatching(/^key:[0-9a-f]{12}$/) as unknown,
        action: 'lead.show',
        outcome: 'not_found',
      },
    ]);
    expect(await refusals(other)).toEqual([]);
  });

  it('an admin who mistyped the key once is not locked out', async () => {
    const client = '198.51.100.20';
    const wrong = await call(client, `${key}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toContain('Bearer');
    expect((await call(client, key, routes[1])).status).toBe(200);
    expect(await refusals(client)).toMatchObject([{ attempts: 1, rate_limited: 0 }]);
  });

  it('counts an IPv6 client per /64, and an IPv4-mapped address as the IPv4 one', async () => {
    for (let i = 1; i <= 10; i += 1) {
      expect((await call(`2001:db8:1:2::${i.toString(16)}`, null)).status).toBe(401);
    }
    expect((await call('2001:db8:1:2:ffff:ffff:ffff:ffff', null)).status).toBe(429);
    expect((await call('2001:db8:1:3::1', null)).status).toBe(401);
    expect(await refusals('2001:db8:1:2::/64')).toMatchObject([{ attempts: 11, rate_limited: 1 }]);

    expect((await call('::ffff:192.0.2.1', null)).status).toBe(401);
    expect((await call('192.0.2.1', null)).status).toBe(401);
    expect(await refusals('192.0.2.1')).toMatchObject([{ attempts: 2 }]);
  });

  it('authenticated calls have their own, larger budget per client, then 429 with Retry-After', async () => {
    const client = '198.51.100.30';
    const auditBefore = (await auditRows()).length;
    const metricBefore = await refusedMetric();
    for (let i = 0; i < authenticatedMax; i += 1) {
      expect((await call(client, key, routes[1])).status).toBe(200);
    }
    const over = await call(client, key, routes[1]);
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await auditRows()).toHaveLength(auditBefore + authenticatedMax);
    expect(await refusals(client)).toEqual([]);
    expect((await refusedMetric()).rate_limited - metricBefore.rate_limited).toBe(1);
  });
});

describe('refusal counters', () => {
  it('are deleted after admin.refusalsRetentionDays (client addresses are personal data)', async () => {
    const short = await startIntake({
      config: {
        server: { trustProxy: true },
        admin: { apiKeys: [key], refusalsRetentionDays: 1 },
      },
    });
    try {
      await short.database.pool.query(
        `INSERT INTO hermes_ops.admin_refusals (client, window_start, attempts)
         VALUES ('203.0.113.1', now() - interval '2 days', 3), ('203.0.113.2', now() - interval '20 hours', 2)`,
      );
      const response = await fetch(`${short.base}/api/admin/deliveries`, {
        headers: { 'x-forwarded-for': '203.0.113.3' },
      });
      expect(response.status).toBe(401);
      // The purge runs beside the answer, not before it.
      let clients: string[] = [];
      for (let i = 0; i < 50; i += 1) {
        const { rows } = await short.database.pool.query<{ client: string }>(
          'SELECT client FROM hermes_ops.admin_refusals ORDER BY client',
        );
        clients = rows.map((r) => r.client);
        if (!clients.includes('203.0.113.1')) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(clients).toEqual(['203.0.113.2', '203.0.113.3']);
    } finally {
      await short.close();
    }
  });
});

describe('migration 0014', () => {
  it('creates hermes_ops.admin_refusals, and its down restores the schema exactly', async () => {
    const db = await createTestDatabase();
    try {
      const migrator = testMigrator(db.pool, migrationsDir);
      expect((await migrator.up('0013')).error).toBeUndefined();
      const before = await takeSchemaSnapshot(db.pool);
      expect((await migrator.up('0014')).error).toBeUndefined();
      const table = await db.pool.query(`SELECT to_regclass('hermes_ops.admin_refusals') AS t`);
      expect(table.rows[0]).toEqual({ t: 'hermes_ops.admin_refusals' });
      expect((await migrator.down('0013')).error).toBeUndefined();
      expect(await takeSchemaSnapshot(db.pool)).toEqual(before);
      expect((await migrator.up('0014')).error).toBeUndefined();
    } finally {
      await db.drop();
    }
  });
});
