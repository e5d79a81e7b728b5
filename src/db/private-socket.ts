import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorCode } from './database-error.ts';
import { HermesError } from '../errors/hermes-error.ts';

/** Only names the socket file (`.s.PGSQL.<port>`, as libpq and `pg` look for it). */
const socketPort = 5432;
const socketName = `.s.PGSQL.${String(socketPort)}`;
/** sun_path holds 108 bytes on Linux, 104 elsewhere, with the terminating NUL. */
const maxSocketPathBytes = process.platform === 'linux' ? 107 : 103;

export interface PrivateSocket {
  /** The 0700 directory holding it. */
  readonly dir: string;
  /** The socket file to listen on. */
  readonly path: string;
  /** `postgres://postgres@%2F<dir>:5432/postgres`: `pg` and libpq read the host as the socket directory. */
  readonly url: string;
  /** Removes the socket file, and the directory too when it was a temporary one. */
  remove(): void;
}

function fits(dir: string): boolean {
  return Buffer.byteLength(join(dir, socketName)) <= maxSocketPathBytes;
}

/** `dir` as a directory only this user can enter, or an error if someone else owns it. */
function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  }
  const stats = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) {
    throw new HermesError(
      'embedded_db_failed',
      `${dir} holds the embedded database's socket, so it must be a directory owned by this user; remove it and start again`,
    );
  }
  chmodSync(dir, 0o700);
}

/** The URL of the socket in `dir`, as `pg` and libpq read it. */
export function socketUrlIn(dir: string): string {
  return `postgres://postgres@${encodeURIComponent(dir)}:${String(socketPort)}/postgres`;
}

/**
 * Whether `dir` is a directory of this user's that no one else may enter: a socket found through
 * a file must still be one that only this user could have made (PGlite asks for no password).
 */
export function isPrivateDir(dir: string): boolean {
  try {
    const stats = lstatSync(dir);
    const uid = process.getuid?.();
    return stats.isDirectory() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

function socketIn(dir: string, remove: () => void): PrivateSocket {
  return { dir, path: join(dir, socketName), url: socketUrlIn(dir), remove };
}

/**
 * Where the embedded database listens: a Unix socket in a 0700 directory, so no other local user
 * can connect (PGlite asks for no password). `preferredDir` when the socket path fits in it, else
 * a private temporary directory, removed by `remove()`.
 */
export function openPrivateSocket(preferredDir: string | null): PrivateSocket {
  if (preferredDir !== null && fits(preferredDir)) {
    ensurePrivateDir(preferredDir);
    const path = join(preferredDir, socketName);
    // A process killed -9 leaves its socket file behind; the data directory's lock is ours now.
    rmSync(path, { force: true });
    return socketIn(preferredDir, () => rmSync(path, { force: true }));
  }
  for (const base of new Set([tmpdir(), '/tmp'])) {
    // mkdtemp appends six characters.
    if (!fits(join(base, 'hermes-pg-XXXXXX'))) continue;
    const dir = mkdtempSync(join(base, 'hermes-pg-'));
    chmodSync(dir, 0o700);
    return socketIn(dir, () => rmSync(dir, { recursive: true, force: true }));
  }
  throw new HermesError(
    'embedded_db_failed',
    `no directory short enough for the embedded database's socket (at most ${String(maxSocketPathBytes)} bytes): set TMPDIR to a shorter path`,
  );
}
