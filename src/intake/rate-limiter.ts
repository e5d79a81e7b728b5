import type { FastifyInstance } from 'fastify';

/** What `app.createRateLimit` (@fastify/rate-limit) returns: one call counts one request. */
export type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
