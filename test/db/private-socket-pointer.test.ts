import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, type DataDirLock } from '../../src/db/data-dir-lock.ts';
import { findLiveInstance, livePointerPath, publishLiveInstance } from '../../src/db/live-instance.ts';
import { isPrivateDir, openPrivateSocket, socketUrlIn } from '../../src/db/private-socket.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';

// The embedded database's socket directory and the pointer to it that `hermes serve` publishes:
// PGlite asks for no password, so only a directory of this user's that no one else may enter
// counts, and a pointer is followed only when it is well-formed and names the lock's holding.

const base = (): string => mkdtempSync(join(tmpdir(), 'hermes-socket-'));

describe('openPrivateSocket', () => {
  const savedTmpdir = process.env.TMPDIR;
  afterEach(() => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
  });

  it('makes an existing directory private (0700) before listening in it', () => {
    const dir = join(base(), 'sock');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const socket = openPrivateSocket(dir);
    expect(socket.dir).toBe(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(socket.url).toBe(socketUrlIn(dir));
  });

  it('refuses a socket path that is a file, and fails when the directory cannot be made', () => {
    const file = join(base(), 'sock');
    writeFileSync(file, '');
    expect(() => openPrivateSocket(file)).toThrow(HermesError);
    expect(() => openPrivateSocket(file)).toThrow(/must be a directory owned by this user/);
    expect(() => openPrivateSocket(join(base(), 'missing', 'sock'))).toThrow(
      expect.objectContaining({ code: 'ENOENT' }),
    );
  });

  it('falls back to /tmp when the temporary directory is too deep for a socket path', () => {
    const deep = join(base(), 'd'.repeat(100));
    mkdirSync(deep);
    process.env.TMPDIR = deep;
    const socket = openPrivateSocket(null);
    try {
      expect(dirname(socket.dir)).toBe('/tmp');
      expect(socket.dir).toMatch(/^\/tmp\/hermes-pg-/);
      expect(readdirSync(deep)).toEqual([]);
    } finally {
      socket.remove();
    }
  });
});

describe('isPrivateDir', () => {
  it('is true for a 0700 directory of this user only', () => {
    const dir = base();
    chmodSync(dir, 0o700);
    expect(isPrivateDir(dir)).toBe(true);
    chmodSync(dir, 0o750);
    expect(isPrivateDir(dir)).toBe(false);
    const file = join(dir, 'file');
    writeFileSync(file, '', { mode: 0o600 });
    expect(isPrivateDir(file)).toBe(false);
    expect(isPrivateDir(join(dir, 'missing'))).toBe(false);
  });
});

describe('a published pointer that is not well-formed', () => {
  const held: DataDirLock[] = [];
  afterEach(async () => {
    for (const lock of held.splice(0)) await lock.release();
  });

  it('leads nowhere: not JSON, not an object, or a socket directory that is not absolute', async () => {
    const root = base();
    const dataDir = join(root, 'pgdata');
    const socketDir = join(root, 'pgdata.sock');
    mkdirSync(socketDir, { mode: 0o700 });
    const lock = await lockDataDir(dataDir);
    held.push(lock);
    await publishLiveInstance(dataDir, lock.token, socketDir);
    expect(await findLiveInstance(dataDir)).not.toBeNull();

    for (const text of ['not json', 'null', '"a string"', JSON.stringify({ token: lock.token })]) {
      writeFileSync(livePointerPath(dataDir), text, { mode: 0o600 });
      expect(await findLiveInstance(dataDir)).toBeNull();
    }
    // Relative: it would depend on where the command runs; here it would name the right directory.
    writeFileSync(livePointerPath(dataDir), JSON.stringify({ token: lock.token, socketDir: 'pgdata.sock' }));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await findLiveInstance(dataDir)).toBeNull();
    } finally {
      process.chdir(cwd);
    }
  });

  it('is not published where it cannot be written, and leaves no draft behind', async () => {
    const root = base();
    const dataDir = join(root, 'pgdata');
    // A directory where the pointer goes: the rename over it fails.
    mkdirSync(livePointerPath(dataDir));
    await expect(publishLiveInstance(dataDir, 'abcdef0123456789abcdef01', root)).rejects.toMatchObject({
      code: 'EISDIR',
    });
    expect(readdirSync(root)).toEqual(['pgdata.live']);
  });
});
