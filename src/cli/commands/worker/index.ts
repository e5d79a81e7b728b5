import type { Command } from 'commander';
import { redactUrl } from '../../../config/redact.ts';
import { startDeliveryWorker } from '../../../delivery/delivery-worker.ts';
import { checkDeliverySchema } from '../../../delivery/sql/check-delivery-schema.ts';
import { createLogger } from '../../../observability/logger.ts';
import type { CliContext } from '../../context.ts';
import { integerFrom } from '../../parse-values.ts';
import { waitForSignal } from '../../wait-for-signal.ts';
import { withDatabase } from '../../with-database.ts';

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('deliver the outbox to n8n without serving HTTP (several may share one PostgreSQL)')
    .option('--concurrency <n>', 'deliveries in flight (default: delivery.concurrency)', integerFrom(1, 500))
    .action((opts: { concurrency?: number }) => {
      // Listening from the start: a signal during start-up then shuts down in order once started.
      const signalled = waitForSignal();
      return withDatabase(ctx, async (db) => {
        const config = ctx.config();
        const logger = createLogger(config.log.level);
        await checkDeliverySchema(db.pool);
        const worker = startDeliveryWorker({
          db: db.pool,
          n8n: config.n8n,
          delivery: { ...config.delivery, concurrency: opts.concurrency ?? config.delivery.concurrency },
          logger,
          ...(db.embedded ? {} : { listenUrl: db.url }),
        });
        const n8n = redactUrl(config.n8n.webhookUrl ?? '');
        const where = db.embedded ? `embedded PostgreSQL in ${config.embedded.dataDir}` : redactUrl(db.url);
        ctx.output.line(`Hermes worker ${worker.id} delivering to ${n8n} (database: ${where})`);
        const signal = await signalled;
        logger.info({ signal }, 'worker: stopping after the deliveries in flight');
        await worker.stop();
      });
    });
}
