import { describe, expect, it } from 'vitest';
import { startDeliveryWorker } from '../../src/delivery/delivery-worker.ts';
import { createPool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startN8nReceiver } from '../support/n8n-receiver.ts';
import { developmentDataKeys } from '../support/data-keys.ts';
import { testConfig } from './support/delivery-setup.ts';

// A database that refuses every connection (nothing listens on port 1): the worker keeps trying,
// backing off, and says so once per outage, not once per failed claim.
describe('a delivery worker whose database is down', () => {
  it('warns once for the outage, however many claims fail meanwhile, and keeps retrying', async () => {
    const receiver = await startN8nReceiver();
    const pool = createPool('postgres://postgres@127.0.0.1:1/hermes_nowhere', {
      max: 1,
      connectionTimeoutMs: 500,
      idleTimeoutMs: 1_000,
      statementTimeoutMs: 0,
    });
    const messages: string[] = [];
    const { n8n, delivery } = testConfig(receiver.url, { delivery: { pollIntervalMs: 50 } });
    const worker = startDeliveryWorker({
      db: pool,
      n8n,
      delivery,
      dataKeys: developmentDataKeys,
      logger: createLogger('info', {
        write: (line: string) => {
          messages.push((JSON.parse(line) as { msg: string }).msg);
        },
      }),
    });
    try {
      // Backoff 100, 200, 400 ms: at least three failed claims in 1.5 s.
      await new Promise((done) => setTimeout(done, 1_500));
      expect(messages.filter((m) => m === 'delivery: cannot claim outbox rows; retrying')).toHaveLength(1);
      expect(receiver.requestCount).toBe(0);
    } finally {
      await worker.stop();
      await pool.end();
      await receiver.close();
    }
  });
});
