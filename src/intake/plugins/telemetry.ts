import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import type { ServiceMetrics } from '../../observability/service-metrics.ts';

export interface TelemetryOptions {
  registry: Registry;
  metrics: ServiceMetrics;
}

/** The route's pattern (`/api/admin/leads/:leadId`), never the raw URL: bounded labels, no ids or PII. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/**
 * One log line per request (request id, method, route, status, time) and the HTTP metrics;
 * `GET /metrics` serves the registry in Prometheus's text format.
 */
export const telemetry = fp(
  (app: FastifyInstance, { registry, metrics }: TelemetryOptions, done: (err?: Error) => void) => {
    app.addHook('onRequest', (request, reply, next) => {
      void reply.header('x-request-id', request.id);
      next();
    });

    app.addHook('onResponse', (request, reply, next) => {
      const labels = { method: request.method, route: routeOf(request), status: String(reply.statusCode) };
      const seconds = reply.elapsedTime / 1000;
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      if (reply.statusCode >= 500) metrics.httpErrors.inc(labels);
      const line = {
        method: request.method,
        route: labels.route,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (reply.statusCode >= 500) request.log.error(line, 'request');
      else request.log.info(line, 'request');
      next();
    });

    app.get('/metrics', async (_request, reply) => {
      void reply.type(registry.contentType);
      return registry.metrics();
    });
    done();
  },
  { name: 'hermes-telemetry' },
);
