import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import type { Registry } from 'prom-client';
import type { HermesConfig } from '../../config/schema.ts';
import type { Queryable } from '../../db/queryable.ts';
import {
  checkN8nHealth,
  probeN8n,
  publicScrubber,
  type N8nHealth,
  type N8nHealthView,
  type N8nProbe,
} from '../../delivery/check-n8n-health.ts';
import { deliveryMetrics } from '../../delivery/delivery-metrics.ts';
import { SharedProbe } from '../shared-probe.ts';

/**
 * How long one probe of n8n answers for every caller, success or failure: n8n's liveness does not
 * change faster than load balancers notice anyway, and however often /health/n8n is called (it
 * needs no key), n8n gets at most one probe per 5 s from each instance.
 */
const keepProbeMs = 5_000;

/** n8n's health for one view; both views share one cached probe of n8n. */
export type N8nHealthCheck = (view: N8nHealthView) => Promise<N8nHealth>;

export function n8nHealthCheck(config: Readonly<HermesConfig>, db: Queryable): N8nHealthCheck {
  // The health URL comes from the configuration: one probe, made on first use, serves it.
  let reach: SharedProbe<N8nProbe> | undefined;
  const probe = (url: string): Promise<N8nProbe> => {
    reach ??= new SharedProbe(
      () => probeN8n(url, config.n8n.healthTimeoutMs),
      () => keepProbeMs,
    );
    return reach.get();
  };
  const scrubPublic = publicScrubber(config.n8n);
  return (view) => checkN8nHealth(config, db, { view, probe, scrubPublic });
}

/** The answer of a health route for one view: the body, and 503 with Retry-After when unhealthy. */
export function n8nHealthRoute(check: N8nHealthCheck, view: N8nHealthView): RouteHandlerMethod {
  return async (_request, reply) => {
    const health = await check(view);
    if (!health.healthy) void reply.code(503).header('retry-after', '30');
    return health.body;
  };
}

export interface N8nHealthOptions {
  check: N8nHealthCheck;
  db: Queryable;
  metrics?: Registry;
}

/**
 * GET /health/n8n: 200 when leads reach n8n, 503 with the reasons when they do not; n8n's
 * scheme, host and port only. The full URLs are for admins, at GET /api/admin/n8n/health, behind
 * the admin guard and its lockouts (a key check here would be a key-guessing oracle without them).
 */
export function n8nHealthPlugin(app: FastifyInstance, options: N8nHealthOptions): void {
  // The backlog gauges are served by /metrics even when this process runs no worker.
  if (options.metrics) deliveryMetrics(options.metrics, options.db);
  app.get('/health/n8n', n8nHealthRoute(options.check, 'public'));
}
