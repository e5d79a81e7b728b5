import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { HermesConfig } from '../config/schema.ts';
import type { Database } from '../db/open-database.ts';
import { healthPlugin } from './plugins/health.ts';

export interface ServerDependencies {
  config: Readonly<HermesConfig>;
  db: Database;
  /** A pino logger (see observability/logger.ts). */
  logger: FastifyBaseLogger;
}

/** Trust the nearest `hops` proxies' X-Forwarded-For entries. */
function hopsTrusted(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/** The HTTP service, built (not started) so tests can drive it over real HTTP or inject. */
export async function buildServer(deps: ServerDependencies): Promise<FastifyInstance> {
  const { server } = deps.config;
  const app = Fastify({
    loggerInstance: deps.logger,
    trustProxy: typeof server.trustProxy === 'number' ? hopsTrusted(server.trustProxy) : server.trustProxy,
    bodyLimit: server.bodyLimitBytes,
    requestTimeout: server.requestTimeoutMs,
    return503OnClosing: true,
  });
  await app.register(healthPlugin, { pool: deps.db.pool, poolMax: deps.config.database.poolMax });
  return app;
}
