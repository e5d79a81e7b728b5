import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { toDatabaseError, type DatabaseErrorKind } from '../../db/database-error.ts';
import { hermesVersion } from '../../observability/version.ts';
import { buildStamp } from '../../runtime/build-stamp.ts';
import { SharedProbe } from '../shared-probe.ts';

export interface HealthOptions {
  pool: Pool;
  poolMax: number;
  /** The deployment this release belongs to (HERMES_DEPLOYMENT_ID), null outside `hermes deploy`. */
  deploymentId: string | null;
  /** True while an injected fault (HERMES_FAULTS failHealth: database) is to fail /health/database. */
  faulted?: () => boolean;
}

type DatabaseProbe =
  | { readonly ok: true; readonly latencyMs: number }
  | { readonly ok: false; readonly kind: DatabaseErrorKind | 'fault_injected' };

// Named: parsed and planned once per connection, not on every probe.
// A cheap read of the product's table (a count would scan it on every probe).
const readProbe = { name: 'hermes_health_read', text: 'SELECT 1 FROM hermes_leads LIMIT 1' };
// A real row written to an existing table and rolled back: it proves write permission and a
// writable database without creating anything in the catalog (a temp table did, on every call).
// Keyed by backend so that probes of several instances never wait on each other's key.
const writeProbe = {
  name: 'hermes_health_write',
  text: `INSERT INTO hermes_ops.settings (key, value) VALUES ('health_write_probe/' || pg_backend_pid(), '')`,
};

/**
 * A success is kept for a second: enough to bound the probe rate whoever polls, short enough that
 * a failure shows at once. A failure is not kept (concurrent callers still share it): the next call
 * probes again, so a recovered database is reported healthy at once, and a failing probe costs the
 * database nothing (no connection, or a write refused before anything is written).
 */
const keepSuccessMs = 1_000;

async function probeDatabase(pool: Pool): Promise<DatabaseProbe> {
  const started = performance.now();
  try {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query(readProbe);
      await client.query(writeProbe);
      await client.query('ROLLBACK');
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      // A connection that cannot even roll back is not given to the next caller.
      client.release(broken);
    }
  } catch (error) {
    return { ok: false, kind: toDatabaseError(error).kind };
  }
}

/** Liveness (`/health`) and the database's readiness (`/health/database`: a real read and a rolled-back write). */
export function healthPlugin(app: FastifyInstance, options: HealthOptions): void {
  const startedAt = Date.now();
  const database = new SharedProbe(
    () => probeDatabase(options.pool),
    (probe) => (probe.ok ? keepSuccessMs : 0),
  );

  app.get('/health', () => ({
    status: 'ok',
    version: hermesVersion,
    deployment_id: options.deploymentId,
    // The bundle's environment (`build:production`), null when run from the sources.
    build: buildStamp?.environment ?? null,
    uptime_s: Math.round((Date.now() - startedAt) / 1000),
  }));

  app.get('/health/database', async (_request, reply) => {
    // A drill's failure answers as a down database does, its reason saying it is injected; the
    // database itself is left alone (leads still commit).
    const probe: DatabaseProbe = options.faulted?.()
      ? { ok: false, kind: 'fault_injected' }
      : await database.get();
    const pool = {
      total: options.pool.totalCount,
      idle: options.pool.idleCount,
      waiting: options.pool.waitingCount,
      max: options.poolMax,
    };
    if (probe.ok) return { status: 'ok', latency_ms: probe.latencyMs, read: true, write: true, pool };
    void reply.code(503).header('retry-after', '5');
    // The kind only: a driver's message can name hosts and users.
    return { status: 'unavailable', reason: probe.kind, pool };
  });
}
