import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { HermesConfig } from '../../config/schema.ts';
import type { Queryable } from '../../db/queryable.ts';
import { checkN8nHealth } from '../../delivery/check-n8n-health.ts';
import { deliveryMetrics } from '../../delivery/delivery-metrics.ts';

export interface N8nHealthOptions {
  config: Readonly<HermesConfig>;
  db: Queryable;
  metrics?: Registry;
}

/** GET /health/n8n: 200 when leads reach n8n, 503 with the reasons when they do not. */
export function n8nHealthPlugin(app: FastifyInstance, options: N8nHealthOptions): void {
  // The backlog gauges are served by /metrics even when this process runs no worker.
  if (options.metrics) deliveryMetrics(options.metrics, options.db);
  app.get('/health/n8n', async (_request, reply) => {
    const health = await checkN8nHealth(options.config, options.db);
    if (!health.healthy) void reply.code(503).header('retry-after', '30');
    return health.body;
  });
}
