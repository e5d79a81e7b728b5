import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { configSchema, type HermesConfig } from '../../../src/config/schema.ts';
import { createPool } from '../../../src/db/pool.ts';
import { buildServer } from '../../../src/intake/build-server.ts';
import type { InjectedFaultsOptions } from '../../../src/intake/faults/injected-faults.ts';
import { createLogger } from '../../../src/observability/logger.ts';
import { loadMigrationFiles } from '../../../src/migrations/migration-file.ts';
import { createTestDatabase, migrationsDir, type TestDatabase } from '../../support/test-database.ts';

// Beside the server, as every test that starts one sends leads (bench/ imports it from valid-lead.ts).
export { validLead } from './valid-lead.ts';

export interface IntakeUnderTest {
  readonly base: string;
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  /** The pool the server uses (through `databaseUrl`, which may be a proxy). */
  readonly pool: pg.Pool;
  readonly config: Readonly<HermesConfig>;
  /** Every log line the server wrote. */
  readonly logs: string[];
  /** How many times the server said a lead was committed. */
  readonly committed: { count: number };
  /** Row counts of the tables a submission can write. */
  counts(): Promise<{ leads: number; outbox: number; keys: number }>;
  post(body: unknown, init?: { headers?: Record<string, string>; raw?: string }): Promise<Response>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Config on top of the defaults (a hermes.yaml tree). */
  config?: Record<string, unknown>;
  /** Connect the server through this URL instead of the database's own (a proxy, to cut it). */
  viaUrl?: (databaseUrl: string) => string;
  database?: TestDatabase;
  /** Routes a test adds before the server listens (to reach the edge with errors no request causes). */
  routes?: (app: FastifyInstance) => void;
  /** Faults for a drill, as `hermes serve` passes them from HERMES_FAULTS. */
  faults?: InjectedFaultsOptions;
}

/** A fresh migrated database and the intake server on port 0, with its logs captured. */
export async function startIntake(options: StartOptions = {}): Promise<IntakeUnderTest> {
  const database = options.database ?? (await createTestDatabase({ migrate: true }));
  const url = options.viaUrl ? options.viaUrl(database.url) : database.url;
  const given = options.config ?? {};
  const config = configSchema.parse({
    ...given,
    database: { url, connectionTimeoutMs: 2_000, ...(given.database as object | undefined) },
    intake: { minFillMs: 0, ...(given.intake as object | undefined) },
    log: { level: 'info' },
  });
  const pool = createPool(url, {
    max: config.database.poolMax,
    connectionTimeoutMs: config.database.connectionTimeoutMs,
    idleTimeoutMs: config.database.idleTimeoutMs,
    statementTimeoutMs: config.database.statementTimeoutMs,
    onIdleClientError: () => undefined,
  });
  const logs: string[] = [];
  const committed = { count: 0 };
  const app = await buildServer({
    config,
    db: { pool, url, embedded: false, close: () => pool.end() },
    logger: createLogger('info', {
      write: (line: string) => {
        logs.push(line);
      },
    }),
    onLeadCommitted: () => {
      committed.count += 1;
    },
    expectedMigrations: loadMigrationFiles(migrationsDir).map((f) => f.version),
    faults: options.faults,
  });
  options.routes?.(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    base,
    app,
    database,
    pool,
    config,
    logs,
    committed,
    async counts() {
      const { rows } = await database.pool.query<{ leads: number; outbox: number; keys: number }>(
        `SELECT (SELECT count(*) FROM hermes_leads)::int AS leads,
                (SELECT count(*) FROM hermes_outbox)::int AS outbox,
                (SELECT count(*) FROM hermes_idempotency_keys)::int AS keys`,
      );
      return rows[0] ?? { leads: -1, outbox: -1, keys: -1 };
    },
    post(body, init = {}) {
      return fetch(`${base}/api/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...init.headers },
        body: init.raw ?? JSON.stringify(body),
      });
    },
    async close() {
      await app.close();
      await pool.end();
      if (!options.database) await database.drop();
    },
  };
}
