import { describe, expect, it } from 'vitest';
import { insertLeads } from './support/insert-leads.ts';
import { eventually, outboxCounts, testConfig } from './support/delivery-setup.ts';
import { useWorkerHarness } from './support/use-worker-harness.ts';

describe('the delivery worker when the database or n8n leaves it nothing to do', () => {
  const harness = useWorkerHarness();
  const start = (overrides: Parameters<typeof testConfig>[1] = {}) =>
    harness.startWorker(testConfig(harness.receiver.url, overrides));

  it('leaves a row whose attempt the database refuses to record leased for a later try, and goes on delivering', async () => {
    const [refused, ...others] = await insertLeads(harness.pool, 3);
    if (!refused) throw new Error('3 leads');
    // A rule the database enforces (here a trigger) refuses this one row's attempt record; the
    // sequence counts the tries (nextval outlives the refused statement's rollback).
    await harness.pool.query('DROP SEQUENCE IF EXISTS test_refused_writes');
    await harness.pool.query('CREATE SEQUENCE test_refused_writes');
    await harness.pool.query(`
      CREATE OR REPLACE FUNCTION test_refuse_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('test_refused_writes'); RAISE EXCEPTION 'attempt refused for this test'; END $$`);
    await harness.pool.query(
      `CREATE TRIGGER test_refuse_attempt BEFORE INSERT ON hermes_deliveries FOR EACH ROW
       WHEN (NEW.delivery_id = '${refused.delivery_id}') EXECUTE FUNCTION test_refuse_attempt()`,
    );
    try {
      const { worker } = start();
      await harness.receiver.waitForDelivered(3);
      await eventually(
        async () => (await outboxCounts(harness.pool)).delivered === 2,
        'the two others recorded',
      );
      const { rows } = await harness.pool.query<{
        status: string;
        attempts: number;
        locked_by: string | null;
      }>('SELECT status, attempts, locked_by FROM hermes_outbox WHERE delivery_id = $1', [
        refused.delivery_id,
      ]);
      // n8n had it, but nothing says so: still pending under this worker's lease, re-sent after it.
      expect(rows).toEqual([{ status: 'pending', attempts: 0, locked_by: worker.id }]);
      const recorded = await harness.pool.query<{ delivery_id: string }>(
        'SELECT delivery_id FROM hermes_deliveries ORDER BY delivery_id',
      );
      expect(recorded.rows.map((r) => r.delivery_id)).toEqual(others.map((l) => l.delivery_id).sort());
      // Refused, not lost on the way: written once, not retried as if the connection had dropped.
      await new Promise((resolve) => setTimeout(resolve, 700));
      const tries = await harness.pool.query<{ n: number }>(
        'SELECT last_value AS n FROM test_refused_writes',
      );
      expect(tries.rows).toEqual([{ n: 1 }]);
      // The worker is still running: a lead committed now is delivered and recorded too.
      const [later] = await insertLeads(harness.pool, 1);
      worker.wake();
      await eventually(
        async () => (await outboxCounts(harness.pool)).delivered === 3,
        'the later lead recorded',
      );
      expect(harness.receiver.deliveredIds().has(later?.delivery_id ?? '')).toBe(true);
    } finally {
      await harness.stopWorker();
      await harness.pool.query('DROP TRIGGER test_refuse_attempt ON hermes_deliveries');
    }
  });

  it('keeps an open circuit whose failing rows are gone ready to probe, and probes with the next lead', async () => {
    harness.receiver.setMode('server-error');
    const { worker } = start({
      delivery: {
        retrySchedule: ['1h'],
        jitter: 0,
        circuitBreaker: { failureThreshold: 2, cooldown: '50ms', maxCooldown: '50ms' },
      },
    });
    await insertLeads(harness.pool, 2);
    await eventually(() => worker.circuitState !== 'closed', 'the circuit to open');
    await harness.receiver.waitForRequests(2);
    // The leads that failed are erased: the half-open circuit finds no row to probe with.
    await harness.pool.query('TRUNCATE hermes_leads CASCADE');
    const requests = harness.receiver.requestCount;
    // Several cooldowns and polls: the circuit has looked for a probe row, found none, and gone
    // back to open (not stuck half-open, waiting for a probe that never started).
    await new Promise((resolve) => setTimeout(resolve, 600));
    await eventually(() => worker.circuitState === 'open', 'the circuit open again', 2_000);
    expect(harness.receiver.requestCount).toBe(requests);

    harness.receiver.setMode('ok');
    const [next] = await insertLeads(harness.pool, 1);
    await harness.receiver.waitForDelivered(1);
    expect(harness.receiver.received.map((r) => r.id)).toEqual([next?.delivery_id]);
    await eventually(() => worker.circuitState === 'closed', 'the circuit closed by the probe');
    await eventually(async () => (await outboxCounts(harness.pool)).delivered === 1, 'the probe recorded');
  });
});
