import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validLead } from '../intake/support/start-intake.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { eventually } from './support/delivery-setup.ts';
import { serveHermes, type ServingHermes } from './support/spawn-worker.ts';

const run = promisify(execFile);

/** The project's PostgreSQL 15 cluster (DESIGN.md): stopped and started as .ci/run does. */
async function cluster(action: 'stop' | 'start'): Promise<void> {
  const args = [
    '--skip-systemctl-redirect',
    '15',
    'main',
    action,
    ...(action === 'stop' ? ['-m', 'fast'] : []),
  ];
  await run('pg_ctlcluster', args);
}

async function ensureClusterRunning(): Promise<void> {
  const { stdout } = await run('pg_lsclusters', ['--no-header']);
  if (!/\bonline\b/.test(stdout)) await cluster('start');
}

describe('PostgreSQL restarted while leads flow', () => {
  let db: TestDatabase;
  let receiver: N8nReceiver;
  let serve: ServingHermes;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    db.pool.on('error', () => undefined);
    receiver = await startN8nReceiver();
    serve = await serveHermes({
      DATABASE_URL: db.url,
      HERMES_N8N_WEBHOOK_URL: receiver.url,
      HERMES_MIN_FILL_MS: '0',
      HERMES_RATE_LIMIT: 'off',
    });
  }, 60_000);

  afterAll(async () => {
    // Whatever happened, the shared server is left running for whatever comes next.
    await ensureClusterRunning();
    serve.child.kill('SIGTERM');
    await serve.exited;
    await receiver.close();
    await db.drop();
  }, 60_000);

  const post = () =>
    fetch(`${serve.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validLead()),
    });

  it(
    'answers 503 while it is down, recovers by itself, and delivers every committed lead',
    { timeout: 180_000 },
    async () => {
      const accepted: string[] = [];
      const refused = new Map<number, number>();
      const state = { flowing: true };
      // Leads keep arriving, one after another, the whole time (bounded).
      const flow = (async () => {
        for (let i = 0; state.flowing && i < 5_000; i++) {
          const response = await post();
          if (response.status === 201)
            accepted.push(((await response.json()) as { lead_id: string }).lead_id);
          else {
            await response.body?.cancel();
            refused.set(response.status, (refused.get(response.status) ?? 0) + 1);
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      })();

      try {
        await eventually(() => accepted.length >= 20, 'leads flowing before the stop');
        await cluster('stop');
        const down = await post();
        expect(down.status).toBe(503);
        expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
        await down.body?.cancel();
        const database = await fetch(`${serve.base}/health/database`);
        expect(database.status).toBe(503);
        await database.body?.cancel();
      } finally {
        await cluster('start');
      }
      const afterRestart = accepted.length;
      await eventually(
        () => accepted.length >= afterRestart + 20,
        'leads accepted again after the restart',
        60_000,
      );
      state.flowing = false;
      await flow;

      expect([...refused.keys()].every((status) => status === 503)).toBe(true);
      await eventually(
        async () => {
          const { rows } = await db.pool.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM hermes_outbox WHERE status = 'delivered' AND lead_id = ANY($1::text[])",
            [accepted],
          );
          return rows[0]?.n === accepted.length;
        },
        'every accepted lead delivered',
        90_000,
      );
      const got = new Set(receiver.received.map((r) => String(r.body.lead_id)));
      expect(accepted.filter((id) => !got.has(id))).toEqual([]);
      const { rows } = await db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM hermes_outbox WHERE status <> 'delivered'",
      );
      expect(rows[0]?.n).toBe(0);
    },
  );
});
