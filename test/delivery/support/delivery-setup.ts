import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { configSchema, type HermesConfig } from '../../../src/config/schema.ts';
import { startDeliveryWorker, type DeliveryWorker } from '../../../src/delivery/delivery-worker.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { developmentDataKeys } from '../../support/data-keys.ts';

type ConfigInput = Parameters<typeof configSchema.parse>[0];

/** A validated config whose worker retries quickly enough for a test (overridable). */
export function testConfig(
  webhookUrl: string,
  overrides: { n8n?: object; delivery?: object } = {},
): HermesConfig {
  const input: ConfigInput = {
    n8n: { webhookUrl, timeoutMs: 2_000, ...overrides.n8n },
    delivery: {
      concurrency: 8,
      pollIntervalMs: 200,
      lease: '10s',
      retrySchedule: ['5s', '5m', '30m', '2h'],
      circuitBreaker: { failureThreshold: 5, cooldown: '100ms', maxCooldown: '400ms' },
      ...overrides.delivery,
    },
  };
  return configSchema.parse(input);
}

export interface RunningWorker {
  readonly worker: DeliveryWorker;
  readonly registry: Registry;
}

/** Starts a worker on `pool` (LISTENing on `url`), with its own metrics registry. */
export function startTestWorker(pool: Pool, url: string, config: HermesConfig): RunningWorker {
  const registry = new Registry();
  const worker = startDeliveryWorker({
    db: pool,
    n8n: config.n8n,
    delivery: config.delivery,
    dataKeys: developmentDataKeys,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    metrics: registry,
    listenUrl: url,
  });
  return { worker, registry };
}

/** Polls `check` until it holds (for state only the database shows); rejects after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function outboxCounts(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM hermes_outbox GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
