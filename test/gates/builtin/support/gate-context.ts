import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toDatabaseError } from '../../../../src/db/database-error.ts';
import { openDatabase, type Database } from '../../../../src/db/open-database.ts';
import { configSchema, type HermesConfig } from '../../../../src/config/schema.ts';
import type { GateContext } from '../../../../src/gates/gate.ts';
import { createStageMemo } from '../../../../src/gates/runner/stage-memo.ts';
import { afterThisTest } from '../../../support/after-this-test.ts';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const fixturesDir = join(repoRoot, 'test', 'fixtures');

export interface TestGateContext extends GateContext {
  /** Closes the database the context opened, if any; again is a no-op. */
  close(): Promise<void>;
  readonly logs: string[];
}

export interface GateContextOptions {
  /** hermes.yaml as a tree, validated by the real schema. */
  config?: Record<string, unknown>;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The database `ctx.database()` opens (none: the embedded one, which tests avoid). */
  databaseUrl?: string;
}

/** A GateContext as the engine builds one: validated config, a lazily opened database, an abort signal. */
export function gateContext(options: GateContextOptions = {}): TestGateContext {
  const tree = { ...options.config };
  if (options.databaseUrl) {
    const database = (tree.database ?? {}) as Record<string, unknown>;
    tree.database = { ...database, url: options.databaseUrl, connectionTimeoutMs: 3_000 };
  }
  const config: HermesConfig = configSchema.parse(tree);
  let opened: Promise<Database> | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const db = await opened?.catch(() => undefined);
      await db?.close();
    })());
  // Made inside a test: closed when it ends, pass or fail, whether or not the test closes it.
  afterThisTest(close);
  const logs: string[] = [];
  return {
    config,
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? {},
    signal: new AbortController().signal,
    logs,
    log: (message) => logs.push(message),
    // One context stands for one stage run: gates run with it share their work as in the engine.
    shared: createStageMemo(),
    database() {
      opened ??= (async () => {
        const db = await openDatabase({
          url: config.database.url,
          embedded: { dataDir: null, maxConnections: 4 },
          pool: {
            max: config.database.poolMax,
            connectionTimeoutMs: config.database.connectionTimeoutMs,
            idleTimeoutMs: 1_000,
            statementTimeoutMs: 0,
          },
        });
        try {
          await db.pool.query('SELECT 1');
          return db;
        } catch (error) {
          await db.close();
          throw toDatabaseError(error, 'cannot connect to the database');
        }
      })();
      return opened;
    },
    close,
  };
}

/** A throw-away project directory with the given files; removed by the returned function. */
export function makeProject(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-gate-fixture-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A URL where nothing listens: port 1 on the loopback is never a PostgreSQL server. */
export const unreachableUrl = 'postgres://postgres@127.0.0.1:1/hermes_nowhere';
