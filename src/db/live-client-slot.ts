import { setTimeout as sleep } from 'node:timers/promises';
import { hasCode, HermesError } from '../errors/hermes-error.ts';
import { lockDataDir, type DataDirLock } from './data-dir-lock.ts';

/** Long enough for another command's lookup or export; a question left on a terminal is not waited out. */
export const liveClientWaitMs = 30_000;
const retryMs = 100;

/**
 * The one connection a CLI command may open to a serving instance's socket: its own pool stays
 * one below the socket server's limit, so commands take turns (`<dataDir>.live-client.lock`,
 * judged like the data directory's lock: a command killed -9 frees it at once) and the serving
 * instance is never refused a connection of its own.
 */
export async function takeLiveClientSlot(dataDir: string, waitMs = liveClientWaitMs): Promise<DataDirLock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await lockDataDir(`${dataDir}.live-client`);
    } catch (error) {
      if (!hasCode(error, 'embedded_db_locked')) throw error;
      if (Date.now() >= deadline) {
        throw new HermesError(
          'embedded_db_locked',
          `another hermes command is using the running instance's embedded database at ${dataDir} (one at a time); try again when it has finished`,
          { cause: error },
        );
      }
      await sleep(retryMs);
    }
  }
}
