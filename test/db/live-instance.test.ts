import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, type DataDirLock } from '../../src/db/data-dir-lock.ts';
import { takeLiveClientSlot } from '../../src/db/live-client-slot.ts';
import {
  discardLivePointer,
  findLiveInstance,
  livePointerPath,
  publishLiveInstance,
} from '../../src/db/live-instance.ts';
import { currentProcessIdentity, processStartTicks } from '../../src/db/process-identity.ts';
import { socketUrlIn } from '../../src/db/private-socket.ts';
import { hasCode } from '../../src/errors/hermes-error.ts';

const token = 'abcdef0123456789abcdef01';

describe('finding the hermes serve that shares an embedded database', () => {
  const held: DataDirLock[] = [];
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const lock of held.splice(0)) await lock.release();
  });

  /** A data directory, its lock held by this (live) process, and a private socket directory. */
  async function lockedDir(): Promise<{ dataDir: string; lock: DataDirLock; socketDir: string }> {
    const base = mkdtempSync(join(tmpdir(), 'hermes-live-unit-'));
    const dataDir = join(base, 'pgdata');
    const socketDir = join(base, 'pgdata.sock');
    mkdirSync(socketDir, { mode: 0o700 });
    const lock = await lockDataDir(dataDir);
    held.push(lock);
    return { dataDir, lock, socketDir };
  }

  it('finds the live holder that published a socket under its own lock', async () => {
    const { dataDir, lock, socketDir } = await lockedDir();
    expect(await findLiveInstance(dataDir)).toBeNull();

    const withdraw = await publishLiveInstance(dataDir, lock.token, socketDir);
    expect(readFileSync(livePointerPath(dataDir), 'utf8')).toContain(lock.token);
    expect(await findLiveInstance(dataDir)).toMatchObject({ url: socketUrlIn(socketDir), pid: process.pid });

    await withdraw();
    expect(await findLiveInstance(dataDir)).toBeNull();
    await withdraw();
  });

  it('ignores a pointer under another holding of the lock (left by a holder killed -9)', async () => {
    const { dataDir, socketDir } = await lockedDir();
    await publishLiveInstance(dataDir, token, socketDir);
    expect(await findLiveInstance(dataDir)).toBeNull();
    await discardLivePointer(dataDir);
    await discardLivePointer(dataDir);
  });

  it('ignores a pointer others could have written, or a socket directory others can enter', async () => {
    const { dataDir, lock, socketDir } = await lockedDir();
    await publishLiveInstance(dataDir, lock.token, socketDir);
    chmodSync(livePointerPath(dataDir), 0o644);
    expect(await findLiveInstance(dataDir)).toBeNull();
    chmodSync(livePointerPath(dataDir), 0o600);
    chmodSync(socketDir, 0o755);
    expect(await findLiveInstance(dataDir)).toBeNull();
    chmodSync(socketDir, 0o700);
    // Both private again: the pointer is followed, to this process's socket.
    expect(await findLiveInstance(dataDir)).toMatchObject({ url: socketUrlIn(socketDir), pid: process.pid });
  });

  it('reaches no holder it cannot see running', async () => {
    const base = mkdtempSync(join(tmpdir(), 'hermes-live-unit-'));
    const dataDir = join(base, 'pgdata');
    const socketDir = join(base, 'pgdata.sock');
    mkdirSync(socketDir, { mode: 0o700 });
    const holder = { ...currentProcessIdentity(), token, since: 'then' };
    await publishLiveInstance(dataDir, token, socketDir);
    for (const stranger of [{ hostname: `not-${hostname()}` }, { pid: 2 ** 22 + 1, startTicks: null }]) {
      writeFileSync(`${dataDir}.lock`, JSON.stringify({ ...holder, ...stranger }), { mode: 0o600 });
      expect(await findLiveInstance(dataDir)).toBeNull();
    }
  });

  it('lets CLI commands reach it one at a time', async () => {
    const { dataDir } = await lockedDir();
    const first = await takeLiveClientSlot(dataDir, 0);
    const refused: unknown = await takeLiveClientSlot(dataDir, 200).catch((error: unknown) => error);
    expect(hasCode(refused, 'embedded_db_locked')).toBe(true);
    expect((refused as Error).message).toContain('another hermes command is using the running instance');

    const waiting = takeLiveClientSlot(dataDir, 10_000);
    await first.release();
    held.push(await waiting);
  });

  it('frees the slot of a command killed -9 at once', async () => {
    const { dataDir } = await lockedDir();
    const sleeper = spawn('sleep', ['60']);
    children.push(sleeper);
    const pid = sleeper.pid ?? 0;
    const record = {
      ...currentProcessIdentity(),
      pid,
      startTicks: processStartTicks(pid),
      token,
      since: 'then',
    };
    writeFileSync(`${dataDir}.live-client.lock`, JSON.stringify(record), { mode: 0o600 });
    expect(hasCode(await takeLiveClientSlot(dataDir, 0).catch((e: unknown) => e), 'embedded_db_locked')).toBe(
      true,
    );
    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.once('exit', resolve));
    held.push(await takeLiveClientSlot(dataDir, 0));
  });
});
