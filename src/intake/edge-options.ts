import type { ServerOptions } from 'node:http';
import type { HermesConfig } from '../config/schema.ts';
import { maxParamLength } from './fastify-error-problem.ts';
import { answerClientError, answerFrameworkError } from './framework-errors.ts';

/**
 * The Fastify options of the HTTP edge: how long a request may take to arrive, how long its
 * parts may be, and the uniform error body for what Node's parser and Fastify's router refuse.
 */
export function edgeServerOptions(server: HermesConfig['server']) {
  const http: ServerOptions = {
    // Node checks these deadlines only every connectionsCheckingInterval (30 s by default), so a
    // slow client kept its socket for up to a minute past server.requestTimeoutMs.
    requestTimeout: server.requestTimeoutMs,
    headersTimeout: server.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.floor(server.requestTimeoutMs / 4))),
  };
  return {
    http,
    requestTimeout: server.requestTimeoutMs,
    routerOptions: { maxParamLength },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  };
}
