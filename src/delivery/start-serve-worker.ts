import type { Registry } from 'prom-client';
import type { HermesConfig } from '../config/schema.ts';
import type { Database } from '../db/open-database.ts';
import type { Logger } from '../observability/logger.ts';
import { resolveDataKeys } from '../leads/encryption/resolve-data-keys.ts';
import { startDeliveryWorker, type DeliveryWorker } from './delivery-worker.ts';

export interface ServeWorkerDependencies {
  readonly config: Readonly<HermesConfig>;
  readonly db: Database;
  readonly logger: Logger;
  readonly metrics: Registry;
}

/** The worker `hermes serve` runs beside the HTTP service, unless switched off or n8n is not configured. */
export function startServeWorker(deps: ServeWorkerDependencies): DeliveryWorker | undefined {
  const { config, db, logger } = deps;
  if (!config.delivery.workerInServe) {
    logger.info('delivery: no worker in this process (delivery.workerInServe is off); run `hermes worker`');
    return undefined;
  }
  if (config.n8n.webhookUrl === undefined) {
    logger.warn('delivery: n8n.webhookUrl (HERMES_N8N_WEBHOOK_URL) is not set; leads wait in the outbox');
    return undefined;
  }
  return startDeliveryWorker({
    db: db.pool,
    n8n: config.n8n,
    delivery: config.delivery,
    logger,
    dataKeys: resolveDataKeys(config).ring,
    metrics: deps.metrics,
    // NOTIFY does not cross connections on the embedded database: the intake wakes the worker in-process.
    ...(db.embedded ? {} : { listenUrl: db.url }),
  });
}
