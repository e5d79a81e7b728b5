import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { toDatabaseError, type DatabaseErrorKind } from '../../db/database-error.ts';
import { hermesVersion } from '../../observability/version.ts';
import { SharedProbe } from '../shared-probe.ts';

export interface ReadinessOptions {
  pool: Pool;
  /** The versions of this release's migrations: each must be applied for it to take traffic. */
  expectedMigrations: readonly string[];
  deploymentId: string | null;
}

export type Readiness =
  | { readonly ready: true }
  | { readonly ready: false; readonly reason: 'database_unavailable'; readonly kind: DatabaseErrorKind }
  | { readonly ready: false; readonly reason: 'schema_behind'; readonly missing: readonly string[] };

/**
 * Ready when every migration of this release is applied. Migrations applied beyond them do not
 * count against it: blue and green share one database and migrations expand before they contract,
 * so the release being replaced keeps serving on its successor's schema.
 */
export function judgeReadiness(expected: readonly string[], applied: ReadonlySet<string>): Readiness {
  const missing = expected.filter((version) => !applied.has(version));
  return missing.length === 0 ? { ready: true } : { ready: false, reason: 'schema_behind', missing };
}

const appliedAmong = {
  name: 'hermes_readiness_applied',
  text: 'SELECT version FROM schema_migrations WHERE version = ANY($1::text[])',
};

async function probeReadiness(pool: Pool, expected: readonly string[]): Promise<Readiness> {
  try {
    const { rows } = await pool.query<{ version: string }>({ ...appliedAmong, values: [expected] });
    return judgeReadiness(expected, new Set(rows.map((r) => r.version)));
  } catch (error) {
    const failure = toDatabaseError(error);
    // No schema_migrations table: nothing of this release is applied yet.
    if (failure.sqlstate === '42P01') return judgeReadiness(expected, new Set());
    return { ready: false, reason: 'database_unavailable', kind: failure.kind };
  }
}

/** Kept as long as /health/database keeps a success; a failure is probed again at once. */
const keepReadyMs = 1_000;

/** `/readyz`: may this release take traffic (its database reachable, its schema applied)? */
export function readinessPlugin(app: FastifyInstance, options: ReadinessOptions): void {
  const probe = new SharedProbe(
    () => probeReadiness(options.pool, options.expectedMigrations),
    (result) => (result.ready ? keepReadyMs : 0),
  );
  const schemaVersion = options.expectedMigrations.at(-1) ?? null;
  const release = {
    version: hermesVersion,
    deployment_id: options.deploymentId,
    schema_version: schemaVersion,
  };

  app.get('/readyz', async (_request, reply) => {
    const readiness = await probe.get();
    if (readiness.ready) return { status: 'ready', ...release };
    void reply.code(503).header('retry-after', '5');
    return readiness.reason === 'schema_behind'
      ? { status: 'not_ready', reason: readiness.reason, missing: readiness.missing, ...release }
      : // The kind only: a driver's message can name hosts and users.
        { status: 'not_ready', reason: readiness.reason, kind: readiness.kind, ...release };
  });
}
