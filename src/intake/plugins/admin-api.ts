import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import type { HermesConfig } from '../../config/schema.ts';
import type { DataKeyRing } from '../../leads/encryption/field-cipher.ts';
import type { ServiceMetrics } from '../../observability/service-metrics.ts';
import type { AdminKeys } from '../admin-keys.ts';
import { guardAdminRoutes } from '../admin-guard.ts';
import { adminPlugin } from './admin.ts';
import { deliveriesAdminPlugin } from './deliveries-admin.ts';
import { n8nHealthRoute, type N8nHealthCheck } from './n8n-health.ts';

export interface AdminApiOptions {
  pool: Pool;
  keys: AdminKeys;
  /** Decrypt what the lead and export routes show. */
  dataKeys: DataKeyRing;
  admin: HermesConfig['admin'];
  idempotencyTtlHours: number;
  metrics: ServiceMetrics;
  /** /health/n8n's check; admins see its full URLs at GET /api/admin/n8n/health. */
  n8nHealth: N8nHealthCheck;
}

/**
 * Every `/api/admin/*` route behind one guard: one key check, and one set of per-client budgets
 * for all of them (a guesser gets no second budget on another admin route).
 */
export async function adminApiPlugin(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { pool, admin } = options;
  const actorOf = await guardAdminRoutes(app, { pool, keys: options.keys, admin, metrics: options.metrics });
  await app.register(deliveriesAdminPlugin, { pool, actorOf });
  await app.register(adminPlugin, {
    pool,
    dataKeys: options.dataKeys,
    actorOf,
    retentionDays: admin.retentionDays,
    idempotencyTtlHours: options.idempotencyTtlHours,
  });
  app.get('/api/admin/n8n/health', n8nHealthRoute(options.n8nHealth, 'admin'));
}
