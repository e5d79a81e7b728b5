import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityHeadersOptions {
  /** Origins allowed to call the API from a browser; empty: same origin only. */
  corsOrigins: readonly string[];
  /** The origin the pages load their scripts and styles from when it is another (assets.publicBaseUrl). */
  assetOrigin?: string | null;
}

/** Helmet's default policy: one year, subdomains included (no `preload`: that is a domain owner's choice). */
const hstsValue = 'max-age=31536000; includeSubDomains';

/**
 * Helmet's headers with a CSP the form page satisfies (its script and styles come from /assets,
 * or the origin of assets.publicBaseUrl; nothing inline), and CORS for the configured origins only.
 * Framing is refused by both headers alike (`X-Frame-Options: DENY`, `frame-ancestors 'none'`), so
 * browsers that honour only one of them behave as the others do.
 */
export const securityHeaders = fp(
  async (app: FastifyInstance, options: SecurityHeadersOptions) => {
    const assetSources = options.assetOrigin ? [options.assetOrigin] : [];
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", ...assetSources],
          styleSrc: ["'self'", ...assetSources],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
        },
      },
      xFrameOptions: { action: 'deny' },
      // Sent below, over HTTPS only: browsers ignore it over plain HTTP (RFC 6797 §7.2), where it
      // only tells an observer that the site wants TLS.
      strictTransportSecurity: false,
    });
    // request.protocol honours X-Forwarded-Proto only from a proxy server.trustProxy trusts.
    app.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https') void reply.header('strict-transport-security', hstsValue);
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
