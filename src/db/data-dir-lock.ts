import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, lstat, mkdir, readFile, rmdir, unlink, utimes, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode } from './database-error.ts';
import { HermesError } from '../errors/hermes-error.ts';
import {
  currentProcessIdentity,
  livenessOf,
  parseProcessIdentity,
  type ProcessIdentity,
} from './process-identity.ts';

/** A holder we cannot check (another host, an older Hermes) is stale once unrefreshed this long. */
export const lockStaleMs = 15_000;
const refreshMs = 5_000;
/** A takeover takes milliseconds: a guard older than this was left by a process killed during one. */
const abandonedGuardMs = 10_000;
const contendedForMs = 3_000;

export interface DataDirLock {
  readonly path: string;
  /** Names this holding of the lock: what a pointer published beside it must repeat. */
  readonly token: string;
  release(): Promise<void>;
}

/** A live Hermes process on this host holding a data directory's lock. */
export interface AliveHolder {
  readonly pid: number;
  readonly since: string;
  readonly token: string;
}

interface HolderRecord extends ProcessIdentity {
  readonly token: string;
  readonly since: string;
}

interface SeenLock {
  readonly stats: Stats;
  /** null: an older Hermes's lock directory (proper-lockfile), or a file we cannot read. */
  readonly holder: HolderRecord | null;
  /** Names this very lock, so that a takeover removes only the lock it judged. */
  readonly key: string;
}

type Verdict = { kind: 'alive' } | { kind: 'dead' } | { kind: 'stale' } | { kind: 'unknown'; waitMs: number };

const isoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function parseHolder(text: string): HolderRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const identity = parseProcessIdentity(value);
  const { token, since } = value as { token?: unknown; since?: unknown };
  if (identity === null || typeof token !== 'string' || !/^[0-9a-f]{8,64}$/.test(token)) return null;
  return {
    ...identity,
    token,
    since: typeof since === 'string' && isoTime.test(since) ? since : 'an unknown time',
  };
}

async function inspect(lockPath: string): Promise<SeenLock | null> {
  try {
    const stats = await lstat(lockPath);
    const holder = stats.isFile() ? parseHolder(await readFile(lockPath, 'utf8')) : null;
    return { stats, holder, key: holder?.token ?? `ino-${String(stats.ino)}` };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}

function judge(seen: SeenLock): Verdict {
  if (seen.holder !== null) {
    const liveness = livenessOf(seen.holder);
    if (liveness !== 'unknown') return { kind: liveness };
  }
  const ageMs = Date.now() - seen.stats.mtimeMs;
  return ageMs > lockStaleMs ? { kind: 'stale' } : { kind: 'unknown', waitMs: lockStaleMs - ageMs };
}

/** Creates `target` with `draft`'s content, only if it does not exist; false if it does. */
async function createExclusive(draft: string, content: string, target: string): Promise<boolean> {
  try {
    // A hard link appears with its whole content at once, so nobody reads a half-written lock.
    await link(draft, target);
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  // A file system without hard links: still exclusive, written just after.
  try {
    await writeFile(target, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Removes the lock judged dead or stale, unless it changed meanwhile. Takeovers of one lock are
 * serialised by a guard named after it, so two processes that judged the same dead holder cannot
 * both remove a lock, the second one removing the first one's fresh lock.
 */
async function removeJudged(
  lockPath: string,
  seen: SeenLock,
  draft: string,
  content: string,
): Promise<boolean> {
  const guard = `${lockPath}.takeover-${seen.key}`;
  if (!(await createExclusive(draft, content, guard))) {
    const stats = await lstat(guard).catch(() => null);
    if (stats !== null && Date.now() - stats.mtimeMs > abandonedGuardMs)
      await unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    const now = await inspect(lockPath);
    if (now?.key === seen.key) {
      await (now.stats.isDirectory() ? rmdir(lockPath) : unlink(lockPath)).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
    }
    return true;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

function lockedError(dataDir: string, lockPath: string, seen: SeenLock, verdict: Verdict): HermesError {
  const advice = 'stop it, or set DATABASE_URL to share a PostgreSQL server between processes';
  const holder = seen.holder;
  if (verdict.kind === 'alive' && holder !== null) {
    return new HermesError(
      'embedded_db_locked',
      `the embedded database at ${dataDir} is in use by another Hermes process (pid ${String(holder.pid)}, since ${holder.since}); ${advice}`,
    );
  }
  const who =
    holder === null
      ? `its lock ${lockPath} names no process we can read (an older Hermes?)`
      : `pid ${String(holder.pid)} on ${holder.hostname}, which cannot be checked from here`;
  const waitS = verdict.kind === 'unknown' ? Math.ceil(verdict.waitMs / 1000) : 0;
  return new HermesError(
    'embedded_db_locked',
    `the embedded database at ${dataDir} is in use by another Hermes process (${who}); if that process is gone, the lock turns stale in ${String(waitS)} s (${String(lockStaleMs / 1000)} s after its last refresh): start again then; otherwise ${advice}`,
  );
}

/**
 * Locks `dataDir` for this process: `<dataDir>.lock`, a file naming the holder (pid, host, boot,
 * pid namespace, process start time). A holder that is dead (or whose pid now belongs to another
 * process) is taken over at once; one that cannot be checked from here is stale once its lock
 * goes unrefreshed for 15 s, as proper-lockfile's locks did (whose directories are still honoured).
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const lockPath = `${dataDir}.lock`;
  await mkdir(dirname(lockPath), { recursive: true });
  const record: HolderRecord = {
    ...currentProcessIdentity(),
    token: randomBytes(12).toString('hex'),
    since: new Date().toISOString(),
  };
  const content = `${JSON.stringify(record)}\n`;
  const draft = `${lockPath}.${record.token}.draft`;
  await writeFile(draft, content, { flag: 'wx', mode: 0o600 });
  try {
    const deadline = Date.now() + contendedForMs;
    while (!(await createExclusive(draft, content, lockPath))) {
      if (Date.now() > deadline) {
        throw new HermesError(
          'embedded_db_locked',
          `the embedded database at ${dataDir} is in use by another Hermes process (another process is taking over its stale lock ${lockPath})`,
        );
      }
      const seen = await inspect(lockPath);
      if (seen === null) continue;
      const verdict = judge(seen);
      if (verdict.kind === 'alive' || verdict.kind === 'unknown') {
        throw lockedError(dataDir, lockPath, seen, verdict);
      }
      // Removed: try again at once. Not removed: another process is taking it over; let it finish.
      if (!(await removeJudged(lockPath, seen, draft, content))) await sleep(50);
    }
  } finally {
    await unlink(draft).catch(() => undefined);
  }
  return holdLock(lockPath, record.token);
}

/** The holder of `dataDir`'s lock if it is a process this one can see running; else null. */
export async function aliveHolder(dataDir: string): Promise<AliveHolder | null> {
  const holder = (await inspect(`${dataDir}.lock`))?.holder ?? null;
  if (holder === null || livenessOf(holder) !== 'alive') return null;
  return { pid: holder.pid, since: holder.since, token: holder.token };
}

function holdLock(lockPath: string, token: string): DataDirLock {
  const stillOurs = async (): Promise<boolean> => (await inspect(lockPath))?.holder?.token === token;
  // Keeps the lock fresh for a process that cannot check our pid (and for an older Hermes).
  const timer = setInterval(() => {
    void (async () => {
      if (!(await stillOurs())) {
        clearInterval(timer);
        return;
      }
      const now = new Date();
      await utimes(lockPath, now, now);
    })().catch(() => undefined);
  }, refreshMs);
  timer.unref();
  return {
    path: lockPath,
    token,
    async release() {
      clearInterval(timer);
      if (await stillOurs().catch(() => false)) {
        await unlink(lockPath).catch((error: unknown) => {
          if (errorCode(error) !== 'ENOENT') throw error;
        });
      }
    },
  };
}
