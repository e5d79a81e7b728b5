import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, type DataDirLock } from '../../src/db/data-dir-lock.ts';
import { currentProcessIdentity, processStartTicks } from '../../src/db/process-identity.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';
import { serveHermes, type SpawnedProcess } from '../delivery/support/spawn-worker.ts';
import { runCli } from '../support/run-cli.ts';

/** `hermes serve` on the embedded database in `dataDir`; resolves once it listens. */
const startServe = (dataDir: string): Promise<SpawnedProcess> => serveHermes({ HERMES_DATA_DIR: dataDir });

describe('the embedded database lock', () => {
  const started: SpawnedProcess[] = [];

  afterEach(async () => {
    for (const serving of started.splice(0)) {
      serving.child.kill('SIGKILL');
      await serving.exited;
    }
  });

  it(
    'names the live holder, and is taken over at once after the holder is killed -9',
    { timeout: 120_000 },
    async () => {
      const dataDir = join(mkdtempSync(join(tmpdir(), 'hermes-lock-')), 'pgdata');
      const first = await startServe(dataDir);
      started.push(first);

      const second = await runCli(['serve'], {
        env: { HERMES_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
      });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain('is in use by another Hermes process');
      expect(second.stderr).toContain(`pid ${String(first.child.pid)}`);

      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      started.splice(0);

      // proper-lockfile's stale time was 15 s; a dead holder must not make us wait for it.
      const began = Date.now();
      const again = await startServe(dataDir);
      started.push(again);
      expect(Date.now() - began).toBeLessThan(12_000);
      const health = await fetch(
        `${/Hermes listening on (http:\/\/\S+)/.exec(again.output())?.[1] ?? ''}/health/database`,
      );
      expect(health.status).toBe(200);
    },
  );
});

/** A lock file as a Hermes process with this identity would have left it. */
function writeHolder(dataDir: string, holder: Record<string, unknown>, ageMs = 0): void {
  const record = { ...currentProcessIdentity(), token: 'abcdef0123456789abcdef01', since: 'then', ...holder };
  writeFileSync(`${dataDir}.lock`, JSON.stringify(record));
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    utimesSync(`${dataDir}.lock`, then, then);
  }
}

async function lockError(dataDir: string): Promise<HermesError> {
  const error: unknown = await lockDataDir(dataDir).then(
    async (lock) => {
      await lock.release();
      return undefined;
    },
    (failure: unknown) => failure,
  );
  if (!(error instanceof HermesError))
    throw new Error(`expected the lock to be refused, got ${String(error)}`);
  expect(error.code).toBe('embedded_db_locked');
  expect(error.exitCode).toBe(2);
  return error;
}

describe('judging the holder of a data directory lock', () => {
  const children: ChildProcess[] = [];
  const held: DataDirLock[] = [];
  const dataDir = () => join(mkdtempSync(join(tmpdir(), 'hermes-lock-unit-')), 'pgdata');

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    for (const lock of held.splice(0)) await lock.release();
  });

  function sleeper(): ChildProcess & { pid: number } {
    const child = spawn('sleep', ['60']);
    children.push(child);
    if (child.pid === undefined) throw new Error('sleep did not start');
    return child as ChildProcess & { pid: number };
  }

  it('takes over the lock of a dead pid at once', async () => {
    const dir = dataDir();
    const gone = spawnSync('true').pid;
    writeHolder(dir, { pid: gone, startTicks: null });
    const lock = await lockDataDir(dir);
    held.push(lock);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('takes over a lock whose pid now belongs to another process (another start time, or another boot)', async () => {
    const other = sleeper();
    const reused = dataDir();
    writeHolder(reused, { pid: other.pid, startTicks: '1' });
    held.push(await lockDataDir(reused));
    const rebooted = dataDir();
    writeHolder(rebooted, { pid: other.pid, bootId: 'a-previous-boot' });
    held.push(await lockDataDir(rebooted));
  });

  it('refuses a live holder and names its pid', async () => {
    const other = sleeper();
    const dir = dataDir();
    writeHolder(dir, { pid: other.pid, startTicks: processStartTicks(other.pid) });
    const error = await lockError(dir);
    expect(error.message).toContain(`is in use by another Hermes process (pid ${String(other.pid)}`);
  });

  it('says how long to wait for a holder it cannot check, and takes it over once stale', async () => {
    const dir = dataDir();
    writeHolder(dir, { pid: 4242, hostname: `not-${hostname()}` });
    const error = await lockError(dir);
    expect(error.message).toContain(`pid 4242 on not-${hostname()}, which cannot be checked from here`);
    expect(error.message).toMatch(/the lock turns stale in 1[0-5] s/);

    writeHolder(dir, { pid: 4242, hostname: `not-${hostname()}` }, 20_000);
    held.push(await lockDataDir(dir));
  });

  it("honours an older Hermes's proper-lockfile lock while it is refreshed", async () => {
    const dir = dataDir();
    const release = await lockfile.lock(dir, { lockfilePath: `${dir}.lock`, realpath: false, stale: 15_000 });
    const error = await lockError(dir);
    expect(error.message).toMatch(/names no process we can read .* the lock turns stale in \d+ s/);
    await release();
    held.push(await lockDataDir(dir));
  });

  it('lets exactly one of many racing processes take over a dead holder', async () => {
    const dir = dataDir();
    writeHolder(dir, { pid: spawnSync('true').pid, startTicks: null });
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => lockDataDir(dir)));
    const won = attempts.flatMap((attempt) => (attempt.status === 'fulfilled' ? [attempt.value] : []));
    held.push(...won);
    expect(won).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected')
        expect((attempt.reason as HermesError).code).toBe('embedded_db_locked');
    }
  });

  it('leaves a dead holder to a takeover in progress, unless that takeover was abandoned', async () => {
    const dir = dataDir();
    writeHolder(dir, { pid: spawnSync('true').pid, startTicks: null });
    const guard = `${dir}.lock.takeover-abcdef0123456789abcdef01`;
    writeFileSync(guard, '{}');
    const error = await lockError(dir);
    expect(error.message).toContain('another process is taking over its stale lock');
    expect(existsSync(`${dir}.lock`)).toBe(true);

    const then = new Date(Date.now() - 20_000);
    utimesSync(guard, then, then);
    held.push(await lockDataDir(dir));
    expect(existsSync(guard)).toBe(false);
  });

  it('removes its lock on release, and leaves no draft behind', async () => {
    const dir = dataDir();
    const lock = await lockDataDir(dir);
    await lock.release();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(readdirSync(dirname(dir))).toEqual([]);
    held.push(await lockDataDir(dir));
  });
});
