import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../../src/db/data-dir-lock.ts';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';

// An embedded database that cannot start: one error code for the CLI to report (exit 2, not a
// stack trace), and nothing left behind, the data directory's lock least of all.
// Both failures come before PGlite starts, so this stays a fast test.

async function startFailure(dataDir: string): Promise<HermesError> {
  const error: unknown = await startEmbeddedPostgres({ dataDir, maxConnections: 5 }).then(
    async (started) => {
      await started.stop();
      return undefined;
    },
    (failure: unknown) => failure,
  );
  if (!(error instanceof HermesError)) throw new Error(`expected a HermesError, got ${String(error)}`);
  expect(error.code).toBe('embedded_db_failed');
  return error;
}

describe('an embedded database that cannot start', () => {
  it('reports a system error as embedded_db_failed, naming it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hermes-embedded-fail-'));
    writeFileSync(join(root, 'file'), '');
    const error = await startFailure(join(root, 'file', 'pgdata'));
    expect(error.message).toMatch(/^could not start the embedded database: Error: ENOTDIR/);
    expect(error.cause).toMatchObject({ code: 'ENOTDIR' });
  });

  it('keeps its own error as it is, and releases the lock it took before failing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hermes-embedded-fail-'));
    const dataDir = join(root, 'pgdata');
    // Where the socket directory goes: a file, which the socket must not be placed beside.
    writeFileSync(`${dataDir}.sock`, '');
    const error = await startFailure(dataDir);
    expect(error.message).toBe(
      `${dataDir}.sock holds the embedded database's socket, so it must be a directory owned by this user; remove it and start again`,
    );
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
    const lock = await lockDataDir(dataDir);
    await lock.release();
  });
});
