import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, type DataDirLock } from '../../src/db/data-dir-lock.ts';
import { publishLiveInstance } from '../../src/db/live-instance.ts';
import { openDatabase, type DatabaseSettings } from '../../src/db/open-database.ts';
import { socketUrlIn } from '../../src/db/private-socket.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';

// A command started while another Hermes process holds the embedded database: refused with the
// lock's own error, or (when that process is a `hermes serve` sharing its socket) refused naming
// the command and the ones that do run beside it, or connected through that socket. The holder
// here is this very process, so nothing is started: the refusal comes before PGlite would.

const held: DataDirLock[] = [];
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
});

const settingsFor = (dataDir: string): DatabaseSettings => ({
  url: undefined,
  embedded: { dataDir, maxConnections: 10 },
  pool: { max: 5, connectionTimeoutMs: 1_000, idleTimeoutMs: 1_000, statementTimeoutMs: 0 },
});

async function heldDataDir(options: { serving: boolean }): Promise<{ dataDir: string; socketDir: string }> {
  const root = mkdtempSync(join(tmpdir(), 'hermes-open-served-'));
  const dataDir = join(root, 'pgdata');
  const socketDir = join(root, 'pgdata.sock');
  mkdirSync(socketDir, { mode: 0o700 });
  const lock = await lockDataDir(dataDir);
  held.push(lock);
  if (options.serving) await publishLiveInstance(dataDir, lock.token, socketDir);
  return { dataDir, socketDir };
}

async function refusal(opening: Promise<unknown>): Promise<HermesError> {
  const error: unknown = await opening.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof HermesError)) throw new Error(`expected a refusal, got ${String(error)}`);
  expect(error.code).toBe('embedded_db_locked');
  return error;
}

describe('openDatabase on an embedded database another process holds', () => {
  it('gives the lock own error when the holder shares no socket (a worker, a migration)', async () => {
    const { dataDir } = await heldDataDir({ serving: false });
    const error = await refusal(openDatabase(settingsFor(dataDir), { connect: true }));
    expect(error.message).toContain(
      `is in use by another Hermes process (pid ${String(process.pid)}, since `,
    );
    expect(error.message).not.toContain('hermes serve');
  });

  it('refuses "this command" beside a serving instance, by default, naming its pid', async () => {
    const { dataDir } = await heldDataDir({ serving: true });
    const error = await refusal(openDatabase(settingsFor(dataDir)));
    expect(error.message).toContain(`(\`hermes serve\`, pid ${String(process.pid)}, since `);
    expect(error.message).toContain('): this command does not run beside it; stop it first');
    expect(error.details).toEqual([]);
  });

  it('names the refused command and the commands that do reach the serving instance', async () => {
    const { dataDir } = await heldDataDir({ serving: true });
    const error = await refusal(
      openDatabase(settingsFor(dataDir), {
        connect: false,
        command: 'migrate up',
        reachable: ['leads show', 'deliveries list'],
      }),
    );
    expect(error.message).toContain('`hermes migrate up` does not run beside it');
    expect(error.details).toEqual([
      'while it runs, these commands reach it through its socket: leads show, deliveries list',
    ]);
  });

  it('connects through the shared socket, one pool connection, when the command may run beside it', async () => {
    const { dataDir, socketDir } = await heldDataDir({ serving: true });
    const db = await openDatabase(settingsFor(dataDir), { connect: true });
    try {
      expect(db.url).toBe(socketUrlIn(socketDir));
      expect(db.embedded).toBe(true);
      expect(db.pool.options.max).toBe(1);
      expect(db.share).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});
