import { execFile, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterThisTest } from './after-this-test.ts';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own: `initdb` into a temp dir, `pg_ctl` on a free port of
 * 127.0.0.1, removed afterwards. Tests that crash or restart PostgreSQL use this one, so a test
 * run never stops, restarts or changes a server it did not start.
 */
export interface ThrowawayPostgres {
  /** The `postgres` database as its superuser `postgres` (trust auth). */
  readonly url: string;
  readonly port: number;
  /** The temp dir holding the data dir, the socket dir and the log. */
  readonly dir: string;
  /** The URL of database `name` on this server. */
  databaseUrl(name: string): string;
  /** The postmaster's pid while it runs (from postmaster.pid), else undefined. */
  pid(): number | undefined;
  /** A crash: `pg_ctl stop -m immediate` (no checkpoint; the next start runs crash recovery). */
  crash(): Promise<void>;
  /** Starts it again (after crash() or stop()) on the same port and data. */
  start(): Promise<void>;
  /** A clean shutdown (`-m fast`). */
  stop(): Promise<void>;
  /** Stops it and deletes its dir; once is enough. */
  remove(): Promise<void>;
}

const binRoot = '/usr/lib/postgresql';

/** The newest major of those installed (directory names such as "15", "16"). */
export function newestMajor(names: readonly string[]): string | undefined {
  return names
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
    .at(0);
}

/** Debian's server binaries of the newest installed major, if any has initdb and pg_ctl. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(binRoot)) return undefined;
  const major = newestMajor(
    readdirSync(binRoot).filter((name) => hasServerBinaries(join(binRoot, name, 'bin'))),
  );
  return major === undefined ? undefined : join(binRoot, major, 'bin');
}

function hasServerBinaries(dir: string): boolean {
  return existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
}

const isRoot = (): boolean => process.getuid?.() === 0;

interface Owner {
  uid: number;
  gid: number;
}

/** The `postgres` account (initdb and postgres refuse to run as root), from /etc/passwd. */
export function postgresAccount(passwd: string): Owner | undefined {
  const fields = passwd
    .split('\n')
    .map((line) => line.split(':'))
    .find((entry) => entry[0] === 'postgres');
  if (!fields) return undefined;
  const uid = Number(fields[2]);
  const gid = Number(fields[3]);
  return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
}

function readPostgresAccount(): Owner | undefined {
  try {
    return postgresAccount(readFileSync('/etc/passwd', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Why no throwaway server can be started here, or undefined when one can. Under CI it is always
 * undefined: CI must run the chaos tests, so a missing binary fails there instead of skipping.
 */
export function throwawaySkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CI) return undefined;
  return unavailableReason();
}

/** A suite's name that says why it was skipped (vitest shows no reason of its own). */
export function withSkipReason(name: string, reason: string | undefined): string {
  return reason === undefined ? name : `${name} (skipped: ${reason})`;
}

function unavailableReason(): string | undefined {
  if (!postgresBinDir()) return `no PostgreSQL server binaries (initdb, pg_ctl) under ${binRoot}/<major>/bin`;
  if (isRoot() && !readPostgresAccount())
    return 'running as root, and there is no postgres user to run initdb and pg_ctl as';
  if (isRoot() && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser'))
    return 'running as root, and there is no runuser to run initdb and pg_ctl as postgres';
  return undefined;
}

/** `command args` as the postgres user when we are root (both binaries refuse root), else as is. */
export function asServerUser(command: string, args: readonly string[], root: boolean): [string, string[]] {
  return root ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
}

/** postgresql.conf lines: TCP on 127.0.0.1 only, the socket inside our dir, no durability cost. */
export function serverSettings(port: number, socketDir: string): string {
  return [
    '',
    '# throwaway-postgres.ts',
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    `unix_socket_directories = '${socketDir}'`,
    // Durability against an OS crash is not what the tests judge; a postmaster crash keeps what
    // was committed either way (the WAL is in the page cache and replayed on start).
    'fsync = off',
    'full_page_writes = off',
    "shared_buffers = '32MB'",
    'max_connections = 100',
    '',
  ].join('\n');
}

/** The postmaster's pid: the first line of postmaster.pid. */
export function postmasterPid(pidFile: string): number | undefined {
  const first = pidFile.split('\n')[0]?.trim();
  const pid = Number(first);
  return first && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Servers started by this process and not removed yet: stopped and deleted at exit, best effort. */
const live = new Set<{ removeNow(): void }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const server of live) server.removeNow();
  });
}

/** Starts a throwaway server; removed when the calling test ends (if called in a test), else by `remove()` or at exit. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const reason = unavailableReason();
  if (reason) throw new Error(`throwaway PostgreSQL unavailable: ${reason}`);
  const bin = postgresBinDir() ?? '';
  const root = isRoot();
  const owner = root ? readPostgresAccount() : undefined;

  const dir = mkdtempSync(join(tmpdir(), 'hermes-throwaway-pg-'));
  const dataDir = join(dir, 'data');
  const socketDir = join(dir, 'socket');
  const logFile = join(dir, 'server.log');
  mkdirSync(socketDir);
  writeFileSync(logFile, '');
  if (owner) for (const path of [dir, socketDir, logFile]) chownSync(path, owner.uid, owner.gid);

  const tool = (name: string, args: readonly string[]): [string, string[]] =>
    asServerUser(join(bin, name), args, root);
  const exec = async (name: string, args: readonly string[]): Promise<void> => {
    const [command, argv] = tool(name, args);
    try {
      // cwd: the postgres user may not be able to read the caller's.
      await run(command, argv, { cwd: dir, timeout: 60_000 });
    } catch (error) {
      throw new Error(`${name} ${args.join(' ')} failed: ${String(error)}\n${logTail(logFile)}`, {
        cause: error,
      });
    }
  };
  const pid = (): number | undefined => {
    try {
      return postmasterPid(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const pgCtl = (args: readonly string[]) => exec('pg_ctl', ['-D', dataDir, '-w', '-t', '60', ...args]);
  const start = () => pgCtl(['-l', logFile, 'start']);
  const stopWith = async (mode: 'fast' | 'immediate', untilReaped = false): Promise<void> => {
    const running = pid();
    if (running === undefined) return;
    await pgCtl(['-m', mode, 'stop']);
    // pg_ctl returns once postmaster.pid is gone, a moment before the process itself is.
    await waitUntilStopped(running, untilReaped);
  };

  const entry = {
    // Synchronous for the exit hook: nothing asynchronous runs once the process exits.
    removeNow(): void {
      if (pid() !== undefined) {
        const [command, argv] = tool('pg_ctl', ['-D', dataDir, '-w', '-m', 'immediate', 'stop']);
        spawnSync(command, argv, { cwd: dir, stdio: 'ignore', timeout: 30_000 });
      }
      rmSync(dir, { recursive: true, force: true });
      live.delete(entry);
    },
  };
  live.add(entry);
  installExitHook();

  let removing: Promise<void> | undefined;
  const remove = (): Promise<void> => {
    removing ??= (async () => {
      try {
        // Until reaped: removed means no process entry left either.
        await stopWith('immediate', true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
        live.delete(entry);
      }
    })();
    return removing;
  };

  try {
    const port = await freePort();
    await exec('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    writeFileSync(join(dataDir, 'postgresql.conf'), serverSettings(port, socketDir), { flag: 'a' });
    await start();
    const databaseUrl = (name: string) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(name)}`;
    const server: ThrowawayPostgres = {
      url: databaseUrl('postgres'),
      port,
      dir,
      databaseUrl,
      pid,
      crash: () => stopWith('immediate'),
      start,
      stop: () => stopWith('fast'),
      remove,
    };
    afterThisTest(remove);
    return server;
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
}

/** What is left of process `pid`: running, a zombie (stopped, waiting for init to reap it), or nothing. */
export function processState(pid: number): 'running' | 'zombie' | 'gone' {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
    throw error;
  }
  try {
    return /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) ? 'zombie' : 'running';
  } catch {
    return 'gone';
  }
}

/**
 * Waits until `pid` has stopped, or (`untilReaped`) until it has no process entry at all. pg_ctl
 * daemonizes the postmaster, so init is its parent and reaps it, here about two seconds later.
 */
async function waitUntilStopped(pid: number, untilReaped: boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const done = () => {
    const state = processState(pid);
    return state === 'gone' || (state === 'zombie' && !untilReaped);
  };
  while (!done()) {
    if (Date.now() > deadline)
      throw new Error(`postmaster ${pid} still there ${timeoutMs} ms after pg_ctl stop`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function logTail(logFile: string): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
