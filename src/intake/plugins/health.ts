import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { toDatabaseError } from '../../db/database-error.ts';
import { hermesVersion } from '../../observability/version.ts';

export interface HealthOptions {
  pool: Pool;
  poolMax: number;
}

/** Liveness (`/health`) and the database's readiness (`/health/database`: a real read and a rolled-back write). */
export function healthPlugin(app: FastifyInstance, options: HealthOptions): void {
  const startedAt = Date.now();

  app.get('/health', () => ({
    status: 'ok',
    version: hermesVersion,
    uptime_s: Math.round((Date.now() - startedAt) / 1000),
  }));

  app.get('/health/database', async (_request, reply) => {
    const pool = {
      total: options.pool.totalCount,
      idle: options.pool.idleCount,
      waiting: options.pool.waitingCount,
      max: options.poolMax,
    };
    const started = performance.now();
    try {
      const client = await options.pool.connect();
      try {
        await client.query('BEGIN');
        // A cheap read of the product's table (a count would scan it on every probe).
        await client.query('SELECT 1 FROM hermes_leads LIMIT 1');
        // Proves write permission without leaving anything behind.
        await client.query('CREATE TEMP TABLE hermes_write_probe (x int) ON COMMIT DROP');
        await client.query('INSERT INTO hermes_write_probe VALUES (1)');
        await client.query('ROLLBACK');
        return {
          status: 'ok',
          latency_ms: Math.round(performance.now() - started),
          read: true,
          write: true,
          pool,
        };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      void reply.code(503).header('retry-after', '5');
      // The kind only: a driver's message can name hosts and users.
      return { status: 'unavailable', reason: toDatabaseError(error).kind, pool };
    }
  });
}
