import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import lockfile from 'proper-lockfile';
import { HermesError } from '../errors/hermes-error.ts';

export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, served over the wire protocol. */
  readonly url: string;
  readonly dataDir: string | null;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory to persist to; `null` for an in-memory database (scratch databases). */
  dataDir: string | null;
  maxConnections: number;
}

async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true });
  try {
    // A lock directory beside the data, refreshed while we run; a crashed owner's lock goes stale.
    return await lockfile.lock(dataDir, {
      lockfilePath: `${dataDir}.lock`,
      stale: 15_000,
      update: 5_000,
      realpath: false,
    });
  } catch (error) {
    throw new HermesError(
      'embedded_db_locked',
      `the embedded database at ${dataDir} is in use by another Hermes process; stop it, or set DATABASE_URL to share a PostgreSQL server between processes`,
      { cause: error },
    );
  }
}

/**
 * PGlite behind @electric-sql/pglite-socket, so the rest of Hermes talks to it with `pg` as to
 * any PostgreSQL. All sockets share one backend session (see DESIGN.md), so it belongs to one
 * process: the data directory is locked while it runs.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir);
  const release = dataDir === null ? () => Promise.resolve() : await lockDataDir(dataDir);
  let db: PGlite | undefined;
  try {
    if (dataDir !== null) mkdirSync(dirname(dataDir), { recursive: true });
    db = dataDir === null ? await PGlite.create() : await PGlite.create(dataDir);
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections,
    });
    await server.start();
    const pglite = db;
    return {
      url: `postgres://postgres@${server.getServerConn()}/postgres`,
      dataDir,
      async stop() {
        await server.stop();
        await pglite.close();
        await release();
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    await release();
    if (error instanceof HermesError) throw error;
    throw new HermesError('embedded_db_failed', `could not start the embedded database: ${String(error)}`, {
      cause: error,
    });
  }
}
