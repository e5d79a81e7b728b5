import type { Pool } from 'pg';
import { afterEach, beforeEach } from 'vitest';
import type { HermesConfig } from '../../../src/config/schema.ts';
import { startN8nReceiver, type N8nReceiver, type N8nReceiverOptions } from '../../support/n8n-receiver.ts';
import { useTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { startTestWorker, type RunningWorker } from './delivery-setup.ts';

export interface WorkerHarness {
  readonly db: TestDatabase;
  /** The database's pool. */
  readonly pool: Pool;
  /** This test's receiver: a fresh one for each test. */
  readonly receiver: N8nReceiver;
  /** Closes this test's receiver and starts one with `options` in its place. */
  replaceReceiver(options: N8nReceiverOptions): Promise<N8nReceiver>;
  /** Starts a worker on the database (LISTENing on it), stopped after the test at the latest. */
  startWorker(config: HermesConfig): RunningWorker;
  /** Stops the worker now, if one runs (before a test reads what it wrote, or closes its receiver). */
  stopWorker(): Promise<void>;
}

/**
 * For a `describe` of worker tests: a migrated database, emptied of leads before each test, a
 * fresh n8n receiver (`receiverOptions`) for each test, and whatever worker the test started
 * stopped after it, before its receiver is closed.
 */
export function useWorkerHarness(receiverOptions: N8nReceiverOptions = {}): WorkerHarness {
  const db = useTestDatabase();
  let receiver: N8nReceiver | undefined;
  let running: RunningWorker | undefined;

  beforeEach(async () => {
    await db.pool.query('TRUNCATE hermes_leads CASCADE');
    receiver = await startN8nReceiver(receiverOptions);
  });
  const stopWorker = async () => {
    await running?.worker.stop();
    running = undefined;
  };
  afterEach(async () => {
    await stopWorker();
    await receiver?.close();
  });

  const current = (): N8nReceiver => {
    if (!receiver) throw new Error('useWorkerHarness(): the receiver was read before its beforeEach ran');
    return receiver;
  };
  return {
    db,
    get pool() {
      return db.pool;
    },
    get receiver() {
      return current();
    },
    async replaceReceiver(options) {
      await current().close();
      receiver = await startN8nReceiver(options);
      return receiver;
    },
    startWorker(config) {
      running = startTestWorker(db.pool, db.url, config);
      return running;
    },
    stopWorker,
  };
}
