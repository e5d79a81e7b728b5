import { resolve } from 'node:path';
import type { Pool } from 'pg';
import { hasCode, HermesError } from '../errors/hermes-error.ts';
import { createPool, type PoolOptions } from './pool.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts';
import { findLiveInstance, type LiveInstance, type Withdraw } from './live-instance.ts';
import { takeLiveClientSlot } from './live-client-slot.ts';

export interface DatabaseSettings {
  /** Unset: start the embedded PostgreSQL. */
  url: string | undefined;
  embedded: { dataDir: string | null; maxConnections: number };
  pool: Omit<PoolOptions, 'max'> & { max: number };
}

export interface Database {
  readonly pool: Pool;
  readonly url: string;
  /** The embedded database: this process's own, or a serving instance's reached through its socket. */
  readonly embedded: boolean;
  /**
   * Present on the embedded database this process started on a data directory: lets CLI
   * commands reach it through its socket while this process serves (see `WhileServed`).
   */
  readonly share?: () => Promise<Withdraw>;
  close(): Promise<void>;
}

/**
 * What a command does when a running `hermes serve` holds the embedded database: connect through
 * the socket it shares, or refuse, naming the command and the ones that do run beside it.
 */
export type WhileServed =
  | { readonly connect: true }
  | { readonly connect: false; readonly command: string; readonly reachable: readonly string[] };

const refuseWhileServed: WhileServed = { connect: false, command: '', reachable: [] };

/** Connects to `url`, or starts the embedded database when there is none (or reaches the one a live `hermes serve` shares). */
export async function openDatabase(
  settings: DatabaseSettings,
  whileServed: WhileServed = refuseWhileServed,
): Promise<Database> {
  if (settings.url !== undefined) {
    const pool = createPool(settings.url, settings.pool);
    return { pool, url: settings.url, embedded: false, close: () => pool.end() };
  }
  let embedded: EmbeddedPostgres;
  try {
    embedded = await startEmbeddedPostgres(settings.embedded);
  } catch (error) {
    return reachServedOrThrow(error, settings, whileServed);
  }
  // Stay under the socket server's connection limit, or connections queue for a minute; the slot
  // left over is the one a CLI command takes to reach a serving instance (one at a time).
  const pool = createPool(embedded.url, {
    ...settings.pool,
    max: Math.min(settings.pool.max, settings.embedded.maxConnections - 1),
  });
  const { share } = embedded;
  return {
    pool,
    url: embedded.url,
    embedded: true,
    ...(share === null ? {} : { share }),
    async close() {
      await pool.end();
      await embedded.stop();
    },
  };
}

/** A data directory locked by a live `hermes serve` that shares its socket: reached or refused; any other failure rethrown. */
async function reachServedOrThrow(
  error: unknown,
  settings: DatabaseSettings,
  whileServed: WhileServed,
): Promise<Database> {
  const { dataDir } = settings.embedded;
  if (dataDir === null || !hasCode(error, 'embedded_db_locked')) throw error;
  // A holder this process cannot check, or one that shares nothing (a worker, a migration): the lock's own error.
  const live = await findLiveInstance(resolve(dataDir));
  if (live === null) throw error;
  if (!whileServed.connect) throw servedRefusal(resolve(dataDir), live, whileServed);
  return connectToLive(resolve(dataDir), live, settings);
}

/** One connection through the serving instance's socket, for as long as the command runs. */
async function connectToLive(
  dataDir: string,
  live: LiveInstance,
  settings: DatabaseSettings,
): Promise<Database> {
  const slot = await takeLiveClientSlot(dataDir);
  const pool = createPool(live.url, { ...settings.pool, max: 1 });
  return {
    pool,
    url: live.url,
    embedded: true,
    async close() {
      try {
        await pool.end();
      } finally {
        await slot.release();
      }
    },
  };
}

function servedRefusal(
  dataDir: string,
  live: LiveInstance,
  policy: Extract<WhileServed, { connect: false }>,
): HermesError {
  const what = policy.command === '' ? 'this command' : `\`hermes ${policy.command}\``;
  return new HermesError(
    'embedded_db_locked',
    `the embedded database at ${dataDir} is in use by another Hermes process (\`hermes serve\`, pid ${String(live.pid)}, since ${live.since}): ${what} does not run beside it; stop it first, or set DATABASE_URL to share a PostgreSQL server between processes`,
    {
      details:
        policy.reachable.length === 0
          ? []
          : [`while it runs, these commands reach it through its socket: ${policy.reachable.join(', ')}`],
    },
  );
}
