import { mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { aliveHolder, lockDataDir, type DataDirLock } from '../../src/db/data-dir-lock.ts';
import { currentProcessIdentity } from '../../src/db/process-identity.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';

// The embedded database's lock file, beyond the holders embedded-lock.int.test.ts judges: records
// it cannot read, an older Hermes's stale lock directory, and the holder's own refresh and release.
// No PostgreSQL here; an integration test for its 5-second refresh.

const held: DataDirLock[] = [];
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
});

const dataDir = (name = 'pgdata'): string => join(mkdtempSync(join(tmpdir(), 'hermes-lock-holders-')), name);

function age(path: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  utimesSync(path, then, then);
}

async function refusal(dir: string): Promise<string> {
  const error: unknown = await lockDataDir(dir).then(
    (lock) => {
      held.push(lock);
      return undefined;
    },
    (failure: unknown) => failure,
  );
  if (!(error instanceof HermesError)) throw new Error(`expected a refusal, got ${String(error)}`);
  expect(error.code).toBe('embedded_db_locked');
  return error.message;
}

/** A lock record of another holding of the lock, by a live process (this one). */
const foreignRecord = (): string =>
  JSON.stringify({
    ...currentProcessIdentity(),
    token: 'fedcba9876543210fedcba98',
    since: '2026-01-01T00:00:00.000Z',
  });

describe('a lock whose record cannot be read', () => {
  it('is honoured until stale, whether it is not JSON or names no valid holding', async () => {
    for (const text of ['not json', JSON.stringify({ ...currentProcessIdentity(), token: 'NOT-HEX' })]) {
      const dir = dataDir();
      writeFileSync(`${dir}.lock`, text);
      expect(await refusal(dir)).toMatch(
        /its lock .*pgdata\.lock names no process we can read \(an older Hermes\?\)\); if that process is gone, the lock turns stale in 1[0-5] s/,
      );
      age(`${dir}.lock`, 20_000);
      const lock = await lockDataDir(dir);
      held.push(lock);
      expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({
        pid: process.pid,
        token: lock.token,
      });
    }
  });
});

describe("an older Hermes's lock directory", () => {
  it('is removed once unrefreshed for 15 s, and replaced by a lock file naming this process', async () => {
    const dir = dataDir();
    mkdirSync(`${dir}.lock`);
    age(`${dir}.lock`, 20_000);
    const lock = await lockDataDir(dir);
    held.push(lock);
    expect(statSync(lock.path).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
  });
});

describe('aliveHolder', () => {
  it('names a live holder, and no holder when there is no lock or its holder is dead', async () => {
    const dir = dataDir();
    expect(await aliveHolder(dir)).toBeNull();
    const lock = await lockDataDir(dir);
    held.push(lock);
    const holder = await aliveHolder(dir);
    expect(holder).toMatchObject({ pid: process.pid, token: lock.token });
    expect(holder?.since).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    writeFileSync(
      lock.path,
      JSON.stringify({ ...currentProcessIdentity(), token: lock.token, startTicks: '1' }),
    );
    expect(await aliveHolder(dir)).toBeNull();
  });

  it('fails rather than say nobody holds a lock it cannot look at', async () => {
    // One name component longer than the file system allows once `.lock` is added.
    await expect(aliveHolder(dataDir('d'.repeat(251)))).rejects.toMatchObject({ code: 'ENAMETOOLONG' });
  });
});

describe('a held lock', () => {
  it(
    'is refreshed every 5 s while it is its own, and left alone once another holding replaced it',
    {
      timeout: 30_000,
    },
    async () => {
      const own = await lockDataDir(dataDir());
      held.push(own);
      const replaced = await lockDataDir(dataDir());
      held.push(replaced);
      age(own.path, 60_000);
      writeFileSync(replaced.path, foreignRecord());
      age(replaced.path, 60_000);

      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(Date.now() - statSync(own.path).mtimeMs).toBeLessThan(5_000);
      expect(Date.now() - statSync(replaced.path).mtimeMs).toBeGreaterThan(60_000);
    },
  );

  it('is not removed on release once another holding replaced it', async () => {
    const lock = await lockDataDir(dataDir());
    writeFileSync(lock.path, foreignRecord());
    await lock.release();
    expect(JSON.parse(readFileSync(lock.path, 'utf8'))).toMatchObject({ token: 'fedcba9876543210fedcba98' });
  });
});
