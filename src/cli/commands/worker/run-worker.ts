import { redactUrl } from '../../../config/redact.ts';
import { startDeliveryWorker } from '../../../delivery/delivery-worker.ts';
import { checkDeliverySchema } from '../../../delivery/sql/check-delivery-schema.ts';
import { dataKeyWarning, resolveDataKeys } from '../../../leads/encryption/resolve-data-keys.ts';
import { createLogger } from '../../../observability/logger.ts';
import type { CliContext } from '../../context.ts';
import { serviceApplicationNames } from '../../../db/service-sessions.ts';
import { withDatabase } from '../../with-database.ts';

export interface WorkerOptions {
  concurrency?: number;
}

/** `hermes worker`: deliver the outbox until a signal, then finish the deliveries in flight. */
export function runWorker(
  ctx: CliContext,
  opts: WorkerOptions,
  signalled: Promise<NodeJS.Signals>,
): Promise<void> {
  // Production without a data key of its own refuses to start (exit 2) before the database opens.
  const noKey = dataKeyWarning(ctx.config());
  return withDatabase(
    ctx,
    async (db) => {
      const config = ctx.config();
      const logger = createLogger(config.log.level);
      if (noKey !== undefined) {
        logger.warn(noKey);
        ctx.output.error(`hermes: warning: ${noKey}`);
      }
      await checkDeliverySchema(db.pool);
      const worker = startDeliveryWorker({
        db: db.pool,
        n8n: config.n8n,
        delivery: { ...config.delivery, concurrency: opts.concurrency ?? config.delivery.concurrency },
        logger,
        dataKeys: resolveDataKeys(config).ring,
        ...(db.embedded ? {} : { listenUrl: db.url }),
      });
      const n8n = redactUrl(config.n8n.webhookUrl ?? '');
      const where = db.embedded ? `embedded PostgreSQL in ${config.embedded.dataDir}` : redactUrl(db.url);
      ctx.output.line(`Hermes worker ${worker.id} delivering to ${n8n} (database: ${where})`);
      const signal = await signalled;
      logger.info({ signal }, 'worker: stopping after the deliveries in flight');
      await worker.stop();
    },
    () => ctx.openDatabase(serviceApplicationNames.worker),
  );
}
