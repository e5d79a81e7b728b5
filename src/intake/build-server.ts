import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { HermesConfig } from '../config/schema.ts';
import type { Database } from '../db/open-database.ts';
import { createMetricsRegistry } from '../observability/metrics-registry.ts';
import { createServiceMetrics } from '../observability/service-metrics.ts';
import { AdminKeys } from './admin-keys.ts';
import { FormTokens } from './form-token.ts';
import { loadFormTokenSecret } from './load-form-token-secret.ts';
import { adminApiPlugin } from './plugins/admin-api.ts';
import { contactPlugin } from './plugins/contact.ts';
import { resolveDataKeys } from '../leads/encryption/resolve-data-keys.ts';
import { errorAnswers } from './plugins/error-answers.ts';
import { formPagePlugin } from './plugins/form-page.ts';
import { gracefulClose } from './plugins/graceful-close.ts';
import { healthPlugin } from './plugins/health.ts';
import { readinessPlugin } from './plugins/readiness.ts';
import { n8nHealthCheck, n8nHealthPlugin } from './plugins/n8n-health.ts';
import { openApiPlugin, routeRecorder } from './plugins/openapi.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { assetOrigin, loadPageAssets } from './page-assets.ts';
import { hermesFiles } from '../runtime/hermes-files.ts';
import { strictBodies } from './plugins/strict-bodies.ts';
import { telemetry } from './plugins/telemetry.ts';
import { edgeServerOptions } from './edge-options.ts';
import { refuseLongUrls } from './url-limits.ts';
import { InjectedFaults, type InjectedFaultsOptions } from './faults/injected-faults.ts';
import { faultedN8nHealth } from './faults/faulted-n8n-health.ts';
import { faultsPlugin } from './plugins/faults.ts';

export interface ServerDependencies {
  config: Readonly<HermesConfig>;
  db: Database;
  /** A pino logger (see observability/logger.ts). */
  logger: FastifyBaseLogger;
  /** The registry `/metrics` serves; other parts (delivery) register theirs on it. Default: a new one. */
  metrics?: Registry;
  /** Called after each lead's transaction commits with an outbox row (wakes the delivery worker in-process). */
  onLeadCommitted?: () => void;
  /** The versions of the migrations this release ships: `/readyz` waits for every one to be applied. */
  expectedMigrations: readonly string[];
  /** Faults for a rollback drill (HERMES_FAULTS, resolved by `hermes serve`); absent: none. */
  faults?: InjectedFaultsOptions | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The Prometheus registry this server's `/metrics` serves. */
    metrics: Registry;
  }
}

/** Trust the nearest `hops` proxies' X-Forwarded-For entries. */
function hopsTrusted(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/** The HTTP service, built (not started) so tests can drive it over real HTTP or inject. */
export async function buildServer(deps: ServerDependencies): Promise<FastifyInstance> {
  const { server, intake, admin } = deps.config;
  // Which key encrypts a lead's phone number and description, and which decrypt them (resolve-data-keys.ts).
  const dataKeys = resolveDataKeys(deps.config).ring;
  const app = Fastify({
    loggerInstance: deps.logger,
    trustProxy: typeof server.trustProxy === 'number' ? hopsTrusted(server.trustProxy) : server.trustProxy,
    bodyLimit: server.bodyLimitBytes,
    // Timeouts enforced near server.requestTimeoutMs, URL limits, uniform bodies for the parser's and router's refusals.
    ...edgeServerOptions(server),
    return503OnClosing: true,
    // One line per request comes from the telemetry plugin, its URL cut short and masked.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
  });
  app.addHook('onRequest', refuseLongUrls(server.maxUrlLength));
  // JSON and (for the form) urlencoded only: text/plain and the rest are answered with 415.
  app.removeContentTypeParser('text/plain');

  const registry = deps.metrics ?? createMetricsRegistry();
  app.decorate('metrics', registry);
  const metrics = createServiceMetrics(registry, deps.db.pool, deps.config.database.poolMax);
  // Without a configured key, one shared through the database: a token must survive restarts and other instances.
  const tokens = new FormTokens(
    intake.formTokenSecret ?? (await loadFormTokenSecret(deps.db.pool)),
    intake.formTokenTtlHours,
  );

  const assets = await loadPageAssets(hermesFiles.intakeAssets, deps.config.assets.publicBaseUrl);

  // First: it lists every route registered after it, which the OpenAPI document is tested against.
  await app.register(routeRecorder);
  await app.register(errorAnswers, {
    bodyLimitBytes: server.bodyLimitBytes,
    unavailableRetryAfterS: intake.unavailableRetryAfterS,
    metrics,
  });
  await app.register(telemetry, { registry, metrics });
  await app.register(strictBodies);
  await app.register(gracefulClose);
  const faults = deps.faults ? new InjectedFaults(deps.faults) : undefined;
  // Before the routes: its preHandler runs ahead of every handler (so a faulted lead is never committed).
  if (faults) await app.register(faultsPlugin, { faults, registry });
  await app.register(securityHeaders, {
    corsOrigins: server.corsOrigins,
    assetOrigin: assetOrigin(deps.config.assets.publicBaseUrl),
  });
  await app.register(healthPlugin, {
    pool: deps.db.pool,
    poolMax: deps.config.database.poolMax,
    deploymentId: server.deploymentId,
    faulted: faults && (() => faults.failsHealth('database')),
  });
  // /readyz keeps the truth under a drill: the release must take traffic for its faults to be seen.
  await app.register(readinessPlugin, {
    pool: deps.db.pool,
    expectedMigrations: deps.expectedMigrations,
    deploymentId: server.deploymentId,
  });
  const n8nCheck = n8nHealthCheck(deps.config, deps.db.pool);
  const n8nHealth = faults ? faultedN8nHealth(n8nCheck, () => faults.failsHealth('n8n')) : n8nCheck;
  await app.register(n8nHealthPlugin, { check: n8nHealth, db: deps.db.pool, metrics: registry });
  await app.register(openApiPlugin, { intake });
  await app.register(formPagePlugin, { intake, retentionDays: admin.retentionDays, tokens, assets });
  const adminKeys = new AdminKeys(admin.apiKeys);
  await app.register(contactPlugin, {
    pool: deps.db.pool,
    dataKeys,
    intake,
    bodyLimitBytes: server.bodyLimitBytes,
    metrics,
    tokens,
    assets,
    adminKeys,
    onLeadCommitted: deps.onLeadCommitted,
  });
  await app.register(adminApiPlugin, {
    pool: deps.db.pool,
    keys: adminKeys,
    dataKeys,
    admin,
    idempotencyTtlHours: intake.idempotencyTtlHours,
    metrics,
    n8nHealth,
  });
  return app;
}
