import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { HermesError } from '../errors/hermes-error.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { discardLivePointer, publishLiveInstance, type Withdraw } from './live-instance.ts';
import { openPrivateSocket } from './private-socket.ts';

export interface EmbeddedPostgres {
  /**
   * `postgres://postgres@%2F<socket dir>:5432/postgres`: a Unix socket only this user can reach,
   * which `pg`, psql and pg_dump read as such.
   */
  readonly url: string;
  readonly dataDir: string | null;
  /**
   * Lets CLI commands reach this database through its socket while it runs (`<dataDir>.live`,
   * naming this holding of the lock); withdrawn by the function it returns, and by stop().
   * Null for an in-memory database.
   */
  readonly share: (() => Promise<Withdraw>) | null;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** A directory to persist to; `null` for an in-memory database (scratch databases). */
  dataDir: string | null;
  maxConnections: number;
}

/**
 * PGlite behind @electric-sql/pglite-socket, so the rest of Hermes talks to it with `pg` as to
 * any PostgreSQL. PGlite takes any user without a password, so it listens on a Unix socket in a
 * 0700 directory (`<dataDir>.sock/`), never on TCP, and its data directory is 0700 too. All sockets share one backend session (see
 * DESIGN.md), so it belongs to one process: the data directory is locked while it runs, and
 * other processes reach it only through the socket its holder shares (`share()`).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir === null ? null : resolve(options.dataDir);
  // Undone in reverse order, on a failed start or on stop().
  const undo: (() => Promise<void> | void)[] = [];
  const undoAll = async () => {
    let failure: Error | undefined;
    for (const step of undo.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        failure ??=
          error instanceof Error
            ? error
            : new Error('could not stop the embedded database', { cause: error });
      }
    }
    if (failure !== undefined) throw failure;
  };
  try {
    let lockToken: string | undefined;
    if (dataDir !== null) {
      // PGlite writes its files 0666: only the directory's mode keeps other local users out.
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      chmodSync(dataDir, 0o700);
      const held = await lockDataDir(dataDir);
      lockToken = held.token;
      undo.push(() => held.release());
      // Left by a holder killed -9; it names that holder's lock, so nobody would have used it.
      await discardLivePointer(dataDir);
    }
    const socket = openPrivateSocket(dataDir === null ? null : `${dataDir}.sock`);
    undo.push(() => socket.remove());
    const db = dataDir === null ? await PGlite.create() : await PGlite.create(dataDir);
    undo.push(() => db.close());
    const server = new PGLiteSocketServer({ db, path: socket.path, maxConnections: options.maxConnections });
    await server.start();
    undo.push(() => server.stop());
    // The directory already keeps others out; the socket's own mode says so too.
    chmodSync(socket.path, 0o600);
    const share =
      dataDir === null || lockToken === undefined
        ? null
        : async (): Promise<Withdraw> => {
            const withdraw = await publishLiveInstance(dataDir, lockToken, socket.dir);
            // Undone first on stop(): no command is sent to a socket about to close.
            undo.push(withdraw);
            return withdraw;
          };
    return { url: socket.url, dataDir, share, stop: undoAll };
  } catch (error) {
    await undoAll().catch(() => undefined);
    if (error instanceof HermesError) throw error;
    throw new HermesError('embedded_db_failed', `could not start the embedded database: ${String(error)}`, {
      cause: error,
    });
  }
}
