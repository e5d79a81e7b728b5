import { randomBytes } from 'node:crypto';
import { lstat, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { aliveHolder } from './data-dir-lock.ts';
import { errorCode } from './database-error.ts';
import { isPrivateDir, socketUrlIn } from './private-socket.ts';

/** A running `hermes serve` whose embedded database CLI commands may reach through its socket. */
export interface LiveInstance {
  /** Its private socket, as `pg` reads it. */
  readonly url: string;
  readonly pid: number;
  readonly since: string;
}

/** Takes back a published pointer; does nothing once it is gone or no longer ours. */
export type Withdraw = () => Promise<void>;

interface Pointer {
  /** The token of the lock held while it was published: a pointer left by a dead holder names another. */
  readonly token: string;
  readonly socketDir: string;
}

/** Beside the lock (`<dataDir>.lock`), so that whoever can read the lock finds the socket too. */
export const livePointerPath = (dataDir: string): string => `${dataDir}.live`;

function parsePointer(text: string): Pointer | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { token, socketDir } = value as { token?: unknown; socketDir?: unknown };
  if (typeof token !== 'string' || typeof socketDir !== 'string' || !socketDir.startsWith('/')) return null;
  return { token, socketDir };
}

/** The pointer, if it is a file only this user can read and write (anyone else's could name their own socket). */
async function readPointer(path: string): Promise<Pointer | null> {
  try {
    const stats = await lstat(path);
    const uid = process.getuid?.();
    if (!stats.isFile() || (uid !== undefined && stats.uid !== uid) || (stats.mode & 0o077) !== 0)
      return null;
    return parsePointer(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  await unlink(path).catch((error: unknown) => {
    if (errorCode(error) !== 'ENOENT') throw error;
  });
}

/**
 * Says that the process holding `dataDir`'s lock (`lockToken`) serves its database on the
 * socket in `socketDir`. Written whole (a rename), 0600.
 */
export async function publishLiveInstance(
  dataDir: string,
  lockToken: string,
  socketDir: string,
): Promise<Withdraw> {
  const path = livePointerPath(dataDir);
  const draft = `${path}.${randomBytes(6).toString('hex')}.draft`;
  const pointer: Pointer = { token: lockToken, socketDir };
  await writeFile(draft, `${JSON.stringify(pointer)}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await rename(draft, path);
  } catch (error) {
    await unlink(draft).catch(() => undefined);
    throw error;
  }
  return async () => {
    if ((await readPointer(path))?.token === lockToken) await removeIfPresent(path);
  };
}

/** A pointer left by a holder killed -9: whoever takes the lock over removes it. */
export function discardLivePointer(dataDir: string): Promise<void> {
  return removeIfPresent(livePointerPath(dataDir));
}

/**
 * The serving instance behind `dataDir`'s lock: its holder runs (as this process can see) and
 * published a socket under the very lock it holds, in a directory only this user can enter.
 * Null otherwise: a stale lock, a holder that serves nothing (a worker, a migration), a holder
 * on another host or in another pid namespace.
 */
export async function findLiveInstance(dataDir: string): Promise<LiveInstance | null> {
  const holder = await aliveHolder(dataDir);
  if (holder === null) return null;
  const pointer = await readPointer(livePointerPath(dataDir));
  if (pointer?.token !== holder.token || !isPrivateDir(pointer.socketDir)) return null;
  return { url: socketUrlIn(pointer.socketDir), pid: holder.pid, since: holder.since };
}
