import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { maskPii } from '../../observability/mask-pii.ts';
import { decodedView } from '../../observability/percent-decoded-view.ts';
import type { ServiceMetrics } from '../../observability/service-metrics.ts';
import { closedRequestStatus } from '../client-closed.ts';

export interface TelemetryOptions {
  registry: Registry;
  metrics: ServiceMetrics;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Logs and counts an answer given where no onResponse hook runs (the router's own refusals). */
    observeAnswer(request: FastifyRequest, reply: FastifyReply): void;
  }
}

/** The route's pattern (`/api/admin/leads/:leadId`), never the raw URL: bounded labels, no ids or PII. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

// What is kept of a URL's path and of its query in a log line (the rest is cut, with a marker).
const loggedPartLength = 1024;

// Query parameters whose values are personal data or secrets masking cannot recognise (a name):
// logged as `[redacted]`. The contact form's fields, and the usual names for credentials.
const redactedParameters = new Set([
  'email',
  'phone',
  'phone_number',
  'tel',
  'first_name',
  'last_name',
  'name',
  'problem_description',
  'password',
  'secret',
  'token',
  'form_token',
  'key',
  'api_key',
]);

function redactParameters(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      const name = decodedView(pair.slice(0, equals), { plusIsSpace: true }).text.trim().toLowerCase();
      return redactedParameters.has(name) ? `${pair.slice(0, equals)}=[redacted]` : pair;
    })
    .join('&');
}

/**
 * The request line's URL as logged: path and query apart, each cut short and masked as a URL
 * (%-escapes decoded, `+` read as a space), so no email or phone number in any encoding shows.
 */
export function loggedUrl(url: string): { path: string; query?: string } {
  const mark = url.indexOf('?');
  const options = { url: true, maxLength: loggedPartLength };
  const path = maskPii(mark === -1 ? url : url.slice(0, mark), options);
  if (mark === -1 || mark === url.length - 1) return { path };
  // Linear, and the URL is bounded by Node's header limit (16 KB) before anything reads it.
  return { path, query: maskPii(redactParameters(url.slice(mark + 1)), options) };
}

/**
 * One log line per request (request id, method, route, path and query masked, status, time) and
 * the HTTP metrics; `GET /metrics` serves the registry in Prometheus's text format. A request
 * whose connection closed before its answer is logged and counted with status 499 (the client
 * hung up) or 408 (the server cut it off after server.requestTimeoutMs), as nginx records them:
 * never a 5xx, so the error-rate signals stay about the service.
 */
export const telemetry = fp(
  (app: FastifyInstance, { registry, metrics }: TelemetryOptions, done: (err?: Error) => void) => {
    const observed = new WeakSet<FastifyRequest>();

    const observe = (request: FastifyRequest, reply: FastifyReply, status: number) => {
      if (observed.has(request)) return;
      observed.add(request);
      const labels = { method: request.method, route: routeOf(request), status: String(status) };
      const seconds = reply.elapsedTime / 1000;
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      if (status >= 500) metrics.httpErrors.inc(labels);
      const line = {
        method: request.method,
        route: labels.route,
        ...loggedUrl(request.url),
        status,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      };
      if (status >= 500) request.log.error(line, 'request');
      else request.log.info(line, 'request');
    };

    app.decorate('observeAnswer', (request: FastifyRequest, reply: FastifyReply) => {
      observe(request, reply, reply.statusCode);
    });

    app.addHook('onRequest', (request, reply, next) => {
      void reply.header('x-request-id', request.id);
      // No onResponse runs when the connection is gone before the answer was sent (mid-upload,
      // or while the handler was still working).
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) observe(request, reply, closedRequestStatus(request.raw.socket));
      });
      next();
    });

    app.addHook('onResponse', (request, reply, next) => {
      observe(request, reply, reply.statusCode);
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
