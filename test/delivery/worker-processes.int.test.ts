import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { eventually, outboxCounts, startTestWorker, testConfig } from './support/delivery-setup.ts';
import { insertLeads } from './support/insert-leads.ts';
import { spawnHermes, type SpawnedProcess } from './support/spawn-worker.ts';

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'hermes-worker-')), 'hermes.yaml');
  writeFileSync(path, yaml);
  return path;
}

describe('workers as separate processes on one database', () => {
  const db = useTestDatabase();
  let receiver: N8nReceiver;
  const spawned: SpawnedProcess[] = [];

  beforeAll(async () => {
    receiver = await startN8nReceiver();
  });
  afterAll(async () => {
    for (const p of spawned) p.child.kill('SIGKILL');
    await receiver.close();
  });

  it(
    'delivers, after the lease, the rows a worker killed with SIGKILL was delivering',
    { timeout: 90_000 },
    async () => {
      await db.pool.query('TRUNCATE hermes_leads CASCADE');
      receiver.setMode('timeout');
      const env = {
        DATABASE_URL: db.url,
        HERMES_N8N_WEBHOOK_URL: receiver.url,
        HERMES_CONFIG: configFile(
          'n8n: { timeoutMs: 5000 }\ndelivery: { lease: 6s, concurrency: 4, pollIntervalMs: 200 }\n',
        ),
        LOG_LEVEL: 'warn',
      };
      const first = await spawnHermes(['worker'], env, /Hermes worker \S+ delivering to/);
      spawned.push(first);
      const leads = await insertLeads(db.pool, 10);
      await receiver.waitForRequests(4);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');

      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM hermes_outbox WHERE locked_until > now() AND status = 'pending'",
      );
      expect(rows[0]?.n).toBe(4);
      receiver.setMode('ok');
      const second = await spawnHermes(['worker'], env, /Hermes worker \S+ delivering to/);
      spawned.push(second);
      await receiver.waitForDelivered(10, 60_000);
      expect(receiver.deliveredIds()).toEqual(new Set(leads.map((l) => l.delivery_id)));
      await eventually(
        async () => (await outboxCounts(db.pool)).delivered === 10,
        'every row marked delivered',
      );
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    },
  );

  it('lets two workers share one database without delivering a lead twice', { timeout: 90_000 }, async () => {
    await db.pool.query('TRUNCATE hermes_leads CASCADE');
    receiver.setMode('ok');
    const before = receiver.received.length;
    const config = testConfig(receiver.url);
    const pools = [0, 1].map(() =>
      createPool(db.url, {
        max: 5,
        connectionTimeoutMs: 5_000,
        idleTimeoutMs: 10_000,
        statementTimeoutMs: 0,
      }),
    );
    const workers = pools.map((pool) => startTestWorker(pool, db.url, config).worker);
    try {
      const leads = await insertLeads(db.pool, 1000);
      await eventually(
        async () => (await outboxCounts(db.pool)).delivered === 1000,
        'every row marked delivered',
        60_000,
      );
      const got = receiver.received.slice(before);
      expect(got).toHaveLength(1000);
      expect(new Set(got.map((r) => r.id))).toEqual(new Set(leads.map((l) => l.delivery_id)));
      const { rows } = await db.pool.query<{ worker_id: string; n: number }>(
        'SELECT worker_id, count(*)::int AS n FROM hermes_deliveries GROUP BY worker_id',
      );
      expect(rows).toHaveLength(2);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
