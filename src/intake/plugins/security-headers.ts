import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityHeadersOptions {
  /** Origins allowed to call the API from a browser; empty: same origin only. */
  corsOrigins: readonly string[];
}

/**
 * Helmet's headers with a CSP the form page satisfies (its script and styles are served from
 * /assets, nothing inline, nothing from a CDN), and CORS for the configured origins only.
 */
export const securityHeaders = fp(
  async (app: FastifyInstance, options: SecurityHeadersOptions) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
    });
    await app.register(cors, {
      origin: options.corsOrigins.length === 0 ? false : [...options.corsOrigins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['content-type', 'idempotency-key', 'authorization'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    });
  },
  { name: 'hermes-security-headers' },
);
