import type { Pool } from 'pg';
import { createPool, type PoolOptions } from './pool.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';

export interface DatabaseSettings {
  /** Unset: start the embedded PostgreSQL. */
  url: string | undefined;
  embedded: { dataDir: string | null; maxConnections: number };
  pool: Omit<PoolOptions, 'max'> & { max: number };
}

export interface Database {
  readonly pool: Pool;
  readonly url: string;
  readonly embedded: boolean;
  close(): Promise<void>;
}

/** Connects to `url`, or starts the embedded database when there is none. */
export async function openDatabase(settings: DatabaseSettings): Promise<Database> {
  if (settings.url !== undefined) {
    const pool = createPool(settings.url, settings.pool);
    return { pool, url: settings.url, embedded: false, close: () => pool.end() };
  }
  const embedded = await startEmbeddedPostgres(settings.embedded);
  // Stay under the socket server's connection limit, or connections queue for a minute.
  const pool = createPool(embedded.url, {
    ...settings.pool,
    max: Math.min(settings.pool.max, settings.embedded.maxConnections - 1),
  });
  return {
    pool,
    url: embedded.url,
    embedded: true,
    async close() {
      await pool.end();
      await embedded.stop();
    },
  };
}
