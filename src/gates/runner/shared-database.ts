import { toDatabaseError } from '../../db/database-error.ts';
import type { Database } from '../../db/open-database.ts';
import { isHermesError, type HermesError } from '../../errors/hermes-error.ts';

export interface SharedDatabase {
  /** Opened on first use and checked to answer; the same promise for every gate of the run. */
  get(): Promise<Database>;
  /** Set when opening failed: the database was needed and could not be reached. */
  failure(): HermesError | undefined;
  close(): Promise<void>;
}

/** One database per run, opened only if a gate (or the history) asks for it. */
export function createSharedDatabase(open: () => Promise<Database>): SharedDatabase {
  let opening: Promise<Database> | undefined;
  let failure: HermesError | undefined;
  const connect = async (): Promise<Database> => {
    let db: Database;
    try {
      db = await open();
    } catch (error) {
      throw isHermesError(error) ? error : toDatabaseError(error, 'cannot open the database');
    }
    try {
      await db.pool.query('SELECT 1');
      return db;
    } catch (error) {
      await db.close().catch(() => undefined);
      throw toDatabaseError(error, 'cannot connect to the database');
    }
  };
  return {
    get() {
      opening ??= connect().catch((error: unknown) => {
        failure = isHermesError(error) ? error : toDatabaseError(error);
        throw failure;
      });
      return opening;
    },
    failure: () => failure,
    async close() {
      if (!opening) return;
      const db = await opening.catch(() => undefined);
      await db?.close();
    },
  };
}
