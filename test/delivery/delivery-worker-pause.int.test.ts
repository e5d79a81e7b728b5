import { describe, expect, it, onTestFinished } from 'vitest';
import type { HermesConfig } from '../../src/config/schema.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../../src/delivery/delivery-worker.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { insertLeads } from './support/insert-leads.ts';
import { eventually, outboxCounts, testConfig } from './support/delivery-setup.ts';
import { useWorkerHarness } from './support/use-worker-harness.ts';
import { developmentDataKeys } from '../support/data-keys.ts';

const pollIntervalMs = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a paused delivery worker (a standby blue/green release)', () => {
  const harness = useWorkerHarness();
  const config = (overrides: Parameters<typeof testConfig>[1] = {}): HermesConfig =>
    testConfig(harness.receiver.url, {
      ...overrides,
      delivery: { pollIntervalMs, ...overrides.delivery },
    });

  /** A worker as the harness starts one, but whose log lines the test reads; stopped after the test. */
  const startLogged = (): { worker: DeliveryWorker; messages: string[] } => {
    const messages: string[] = [];
    const { n8n, delivery } = config();
    const worker = startDeliveryWorker({
      db: harness.pool,
      n8n,
      delivery,
      dataKeys: developmentDataKeys,
      listenUrl: harness.db.url,
      logger: createLogger('info', {
        write: (line: string) => {
          messages.push((JSON.parse(line) as { msg: string }).msg);
        },
      }),
    });
    onTestFinished(() => worker.stop());
    return { worker, messages };
  };

  it('delivers nothing while leads are committed, and delivers them all once resumed', async () => {
    const { worker } = harness.startWorker(config());
    expect(worker.paused).toBe(false);
    await worker.pause();
    expect(worker.paused).toBe(true);
    const leads = await insertLeads(harness.pool, 3);
    // As the intake does after each commit (the NOTIFY wakes it too): a paused worker stays parked.
    worker.wake();
    await sleep(5 * pollIntervalMs);
    worker.wake();
    await sleep(2 * pollIntervalMs);
    expect(harness.receiver.requestCount).toBe(0);
    expect(await outboxCounts(harness.pool)).toEqual({ pending: 3 });
    const { rows } = await harness.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hermes_deliveries',
    );
    expect(rows[0]?.n).toBe(0);

    worker.resume();
    expect(worker.paused).toBe(false);
    await harness.receiver.waitForDelivered(3, 10_000);
    expect(harness.receiver.deliveredIds()).toEqual(new Set(leads.map((lead) => lead.delivery_id)));
    await eventually(
      async () => (await outboxCounts(harness.pool)).delivered === 3,
      'every row marked delivered',
    );
    expect(await outboxCounts(harness.pool)).toEqual({ delivered: 3 });
    expect(harness.receiver.requestCount).toBe(3);
  });

  it('resolves pause() only once the delivery in flight has finished, and its row is delivered', async () => {
    const delayMs = 1_000;
    await harness.replaceReceiver({ mode: 'slow', delayMs });
    const { worker } = harness.startWorker(config());
    const [inFlight] = await insertLeads(harness.pool, 1);
    await harness.receiver.waitForRequests(1, 10_000);
    // The request is at the receiver, which answers in a second.
    const pausing = worker.pause();
    expect(worker.paused).toBe(true);
    expect(await settlesWithin(pausing, delayMs / 2)).toBe(false);
    expect(harness.receiver.received).toHaveLength(0);

    await pausing;
    // Answered, and its attempt recorded, before pause() resolved: no delivery is left half done.
    expect(harness.receiver.received.map((got) => got.id)).toEqual([inFlight?.delivery_id]);
    expect(await outboxCounts(harness.pool)).toEqual({ delivered: 1 });
    const { rows } = await harness.pool.query<{ result: string }>('SELECT result FROM hermes_deliveries');
    expect(rows).toEqual([{ result: 'delivered' }]);

    // And nothing new starts: a lead committed now waits for resume().
    harness.receiver.setMode('ok');
    const [waiting] = await insertLeads(harness.pool, 1);
    worker.wake();
    await sleep(3 * pollIntervalMs);
    expect(harness.receiver.requestCount).toBe(1);
    expect(await outboxCounts(harness.pool)).toEqual({ delivered: 1, pending: 1 });
    worker.resume();
    await harness.receiver.waitForDelivered(2, 10_000);
    expect(harness.receiver.received.map((got) => got.id)).toEqual([
      inFlight?.delivery_id,
      waiting?.delivery_id,
    ]);
  });

  it('takes pause() twice (one after the other or at once) and resume() when not paused', async () => {
    const { worker, messages } = startLogged();
    // Not paused: resume() changes nothing.
    worker.resume();
    await worker.pause();
    await worker.pause();
    await Promise.all([worker.pause(), worker.pause()]);
    expect(worker.paused).toBe(true);
    await insertLeads(harness.pool, 1);
    worker.wake();
    await sleep(3 * pollIntervalMs);
    expect(harness.receiver.requestCount).toBe(0);

    worker.resume();
    expect(worker.paused).toBe(false);
    await harness.receiver.waitForDelivered(1, 10_000);
    worker.resume();
    expect(worker.paused).toBe(false);
    await insertLeads(harness.pool, 1);
    await harness.receiver.waitForDelivered(2, 10_000);
    // Each change of state is logged once, however often it was asked for.
    expect(messages.filter((msg) => msg === 'delivery: paused (standby)')).toHaveLength(1);
    expect(messages.filter((msg) => msg === 'delivery: resumed')).toHaveLength(1);
  });

  it('resolves pause() at once after stop()', async () => {
    const { worker } = harness.startWorker(config({ delivery: { pollIntervalMs: 10_000 } }));
    await worker.stop();
    const pausing = worker.pause();
    expect(await settlesWithin(pausing, 1_000)).toBe(true);
    expect(worker.paused).toBe(true);
    // Paused and stopped: nothing committed now is delivered.
    await insertLeads(harness.pool, 1);
    await sleep(3 * pollIntervalMs);
    expect(harness.receiver.requestCount).toBe(0);
  });

  it('resolves a pause() that stop() overtook before the loop parked', async () => {
    const { worker } = harness.startWorker(config({ delivery: { pollIntervalMs: 10_000 } }));
    // Asked in the same turn: the loop stops instead of parking.
    const pausing = worker.pause();
    const stopping = harness.stopWorker();
    expect(await settlesWithin(Promise.all([pausing, stopping]), 5_000)).toBe(true);
  });

  it('resolves a pause() that resume() overtook before the loop parked, and keeps delivering', async () => {
    const { worker } = harness.startWorker(config({ delivery: { pollIntervalMs: 10_000 } }));
    const pausing = worker.pause();
    worker.resume();
    expect(await settlesWithin(pausing, 5_000)).toBe(true);
    expect(worker.paused).toBe(false);
    await insertLeads(harness.pool, 1);
    await harness.receiver.waitForDelivered(1, 10_000);
  });
});
