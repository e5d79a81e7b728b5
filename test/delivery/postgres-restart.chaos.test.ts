import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { validLead } from '../intake/support/start-intake.ts';
import { migrationsDir } from '../support/migrated-template.ts';
import { testMigrator } from '../support/migration-dir.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import {
  startThrowawayPostgres,
  throwawaySkipReason,
  withSkipReason,
  type ThrowawayPostgres,
} from '../support/throwaway-postgres.ts';
import { eventually } from './support/delivery-setup.ts';
import { serveHermes, type ServingHermes } from './support/spawn-worker.ts';

/** A migrated database on `server`, the one Hermes serves from. */
async function migratedDatabase(server: ThrowawayPostgres): Promise<{ url: string; pool: pg.Pool }> {
  const url = server.databaseUrl('postgres');
  const pool = createPool(url, {
    max: 10,
    connectionTimeoutMs: 5_000,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 0,
  });
  // Its idle clients lose their connections in the crash.
  pool.on('error', () => undefined);
  const migrated = await testMigrator(pool, migrationsDir).up();
  if (migrated.error) throw migrated.error;
  return { url, pool };
}

// The server crashed here is a throwaway one this file starts (initdb in a temp dir, its own
// port), never the machine's: nothing else loses a connection.
const skipReason = throwawaySkipReason();

describe.skipIf(skipReason !== undefined)(
  withSkipReason('PostgreSQL crashed and restarted while leads flow', skipReason),
  () => {
    let server: ThrowawayPostgres | undefined;
    let db: { url: string; pool: pg.Pool } | undefined;
    let receiver: N8nReceiver | undefined;
    let serve: ServingHermes | undefined;

    beforeAll(async () => {
      server = await startThrowawayPostgres();
      db = await migratedDatabase(server);
      receiver = await startN8nReceiver();
      serve = await serveHermes({
        DATABASE_URL: db.url,
        HERMES_N8N_WEBHOOK_URL: receiver.url,
        HERMES_MIN_FILL_MS: '0',
        HERMES_RATE_LIMIT: 'off',
      });
    }, 60_000);

    afterAll(async () => {
      if (serve) {
        serve.child.kill('SIGTERM');
        await serve.exited;
      }
      await receiver?.close();
      await db?.pool.end();
      // Stops the throwaway server, whatever state the test left it in, and deletes its dir.
      await server?.remove();
    }, 60_000);

    const post = () =>
      fetch(`${running(serve).base}/api/contact`, {
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
          await running(server).crash();
          const down = await post();
          expect(down.status).toBe(503);
          expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
          await down.body?.cancel();
          const database = await fetch(`${running(serve).base}/health/database`);
          expect(database.status).toBe(503);
          await database.body?.cancel();
        } finally {
          await running(server).start();
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
            const { rows } = await running(db).pool.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM hermes_outbox WHERE status = 'delivered' AND lead_id = ANY($1::text[])",
              [accepted],
            );
            return rows[0]?.n === accepted.length;
          },
          'every accepted lead delivered',
          90_000,
        );
        const got = new Set(running(receiver).received.map((r) => String(r.body.lead_id)));
        expect(accepted.filter((id) => !got.has(id))).toEqual([]);
        const { rows } = await running(db).pool.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM hermes_outbox WHERE status <> 'delivered'",
        );
        expect(rows[0]?.n).toBe(0);
      },
    );
  },
);

function running<T>(thing: T | undefined): T {
  if (thing === undefined) throw new Error('read before beforeAll made it');
  return thing;
}
