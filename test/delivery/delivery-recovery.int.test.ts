import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/delivery/replay.ts';
import { eventually, outboxCounts, testConfig } from './support/delivery-setup.ts';
import { insertLeads } from './support/insert-leads.ts';
import { useWorkerHarness } from './support/use-worker-harness.ts';

interface OddReceiver {
  readonly url: string;
  readonly requests: () => number;
  close(): Promise<void>;
}

/** A webhook answering 200 in a way n8n's Webhook node might, but the shared receiver does not. */
async function startOddReceiver(answer: (response: ServerResponse) => void): Promise<OddReceiver> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      requests += 1;
      answer(response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}/webhook/hermes-leads`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const attemptsOf = async (pool: Pool) =>
  (
    await pool.query<{ attempt: number; probe: boolean; outcome: string; result: string }>(
      'SELECT attempt, probe, outcome, result FROM hermes_deliveries ORDER BY id',
    )
  ).rows;

describe('delivery recovery and robustness', () => {
  const harness = useWorkerHarness();
  const start = (url: string, overrides: Parameters<typeof testConfig>[1] = {}) =>
    harness.startWorker(testConfig(url, overrides));
  const waitingAnHour = async () =>
    (
      await harness.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM hermes_outbox WHERE status = 'pending' AND next_attempt_at > now() + interval '30 minutes'",
      )
    ).rows[0]?.n ?? 0;
  /** A lead fails once and waits an hour for its retry (the circuit stays closed); then a second is committed. */
  const secondLeadAfterAFailure = async () => {
    harness.receiver.failNext(1, 'server-error');
    start(harness.receiver.url, {
      delivery: {
        retrySchedule: ['1h'],
        jitter: 0,
        circuitBreaker: { failureThreshold: 100, cooldown: '100ms', maxCooldown: '1h' },
      },
    });
    await insertLeads(harness.pool, 1);
    await eventually(async () => (await waitingAnHour()) === 1, 'the first lead waiting an hour');
    await insertLeads(harness.pool, 1);
  };

  it('a quiet worker probes n8n while leads wait for a later retry, and releases them when it answers', async () => {
    // Too few failures to open the circuit: a contact form's traffic.
    harness.receiver.failNext(6, 'server-error');
    start(harness.receiver.url, {
      delivery: {
        retrySchedule: ['20ms', '1h'],
        jitter: 0,
        circuitBreaker: { failureThreshold: 100, cooldown: '100ms', maxCooldown: '1s' },
      },
    });
    await insertLeads(harness.pool, 3);
    await eventually(async () => (await waitingAnHour()) === 3, 'the three leads waiting an hour');
    await harness.receiver.waitForDelivered(3, 30_000);
    await eventually(async () => (await outboxCounts(harness.pool)).delivered === 3, 'three rows delivered');
    const delivered = (await attemptsOf(harness.pool)).filter((a) => a.result === 'delivered');
    // One probe found n8n back; the other two were released, not probed one by one.
    expect(delivered.filter((a) => a.probe)).toHaveLength(1);
    expect(delivered.filter((a) => !a.probe)).toHaveLength(2);
  });

  it('releases the leads waiting for a later retry when a delivery succeeds after failures', async () => {
    await secondLeadAfterAFailure();
    await harness.receiver.waitForDelivered(2, 30_000);
    await eventually(async () => (await outboxCounts(harness.pool)).delivered === 2, 'both rows delivered');
  });

  it('retries a backlog release the database refused', async () => {
    await harness.pool.query(`
      CREATE TABLE IF NOT EXISTS test_release_block (blocked boolean NOT NULL);
      TRUNCATE test_release_block; INSERT INTO test_release_block VALUES (true);
      CREATE SEQUENCE IF NOT EXISTS test_release_tries;
      CREATE OR REPLACE FUNCTION test_block_release() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM nextval('test_release_tries');
        IF (SELECT blocked FROM test_release_block) THEN RAISE EXCEPTION 'release blocked by the test'; END IF;
        RETURN NEW;
      END $$;
      DROP TRIGGER IF EXISTS test_block_release ON hermes_outbox;
      CREATE TRIGGER test_block_release BEFORE UPDATE ON hermes_outbox FOR EACH ROW
        WHEN (OLD.locked_by IS NULL AND NEW.locked_by IS NULL AND NEW.next_attempt_at < OLD.next_attempt_at)
        EXECUTE FUNCTION test_block_release();
      SELECT setval('test_release_tries', 1, false);`);
    try {
      await secondLeadAfterAFailure();
      await harness.receiver.waitForDelivered(1, 30_000);
      const tried = async () =>
        (await harness.pool.query<{ is_called: boolean }>('SELECT is_called FROM test_release_tries')).rows[0]
          ?.is_called === true;
      await eventually(tried, 'a refused release');
      await harness.pool.query('UPDATE test_release_block SET blocked = false');
      await harness.receiver.waitForDelivered(2, 30_000);
    } finally {
      await harness.pool.query('DROP TRIGGER IF EXISTS test_block_release ON hermes_outbox');
    }
  });

  it('records a 200 whose body holds a NUL byte, once, and does not send it again', async () => {
    const odd = await startOddReceiver((response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok\u0000done');
    });
    try {
      start(odd.url);
      await insertLeads(harness.pool, 1);
      await eventually(
        async () => (await outboxCounts(harness.pool)).delivered === 1,
        'the row marked delivered',
      );
      const { rows } = await harness.pool.query<{ response_excerpt: string; result: string }>(
        'SELECT response_excerpt, result FROM hermes_deliveries',
      );
      expect(rows).toEqual([{ response_excerpt: 'okdone', result: 'delivered' }]);
      expect(odd.requests()).toBe(1);
    } finally {
      await harness.stopWorker();
      await odd.close();
    }
  });

  it('counts a 200 as delivered even when its body never finishes arriving', async () => {
    const odd = await startOddReceiver((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"message":');
    });
    try {
      start(odd.url, {
        n8n: { timeoutMs: 1_500 },
        delivery: { retrySchedule: ['50ms'], jitter: 0, lease: '5s' },
      });
      await insertLeads(harness.pool, 1);
      await eventually(async () => (await attemptsOf(harness.pool)).length > 0, 'the attempt recorded');
      expect((await attemptsOf(harness.pool)).map(({ probe: _, ...a }) => a)).toEqual([
        { attempt: 1, outcome: 'delivered', result: 'delivered' },
      ]);
      expect(await outboxCounts(harness.pool)).toEqual({ delivered: 1 });
      expect(odd.requests()).toBe(1);
    } finally {
      await harness.stopWorker();
      await odd.close();
    }
  });

  it('replay --dead leaves erased leads alone', async () => {
    const [kept, erased] = await insertLeads(harness.pool, 2);
    await harness.pool.query("UPDATE hermes_outbox SET status = 'dead', dead_at = now()");
    await harness.pool.query(
      "UPDATE hermes_leads SET status = 'erased', erased_at = now(), first_name = '[erased]' WHERE lead_id = $1",
      [erased?.lead_id],
    );
    const report = await replay(harness.pool, { leadIds: [], dead: true });
    expect(report.replayed.map((r) => r.lead_id)).toEqual([kept?.lead_id]);
    expect(await outboxCounts(harness.pool)).toEqual({ dead: 1, pending: 1 });
  });
});
