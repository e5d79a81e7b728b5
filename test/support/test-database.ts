import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPool } from '../../src/db/pool.ts';
import { afterThisTest } from './after-this-test.ts';
import { migratedTemplate, migrationsDir } from './migrated-template.ts';
import { adminQuery, databaseUrl } from './test-server.ts';

export { migrationsDir };

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly pool: pg.Pool;
  /** Closes the pool and drops the database (also dropped at the end of the run); once is enough. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** A clone of the run's migrated template (see migrated-template.ts) instead of an empty database. */
  migrate?: boolean;
}

/**
 * A fresh database on the test server: empty, or with the project's migrations applied. Made
 * inside a test, it is dropped when that test ends, pass or fail; made in a hook, by whoever
 * made it (see `useTestDatabase`), else by the run's teardown.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const runId = inject('testRunId');
  const name = `hermes_test_${runId}_${randomBytes(4).toString('hex')}`;
  const template = options.migrate ? ` TEMPLATE ${pg.escapeIdentifier(await migratedTemplate(runId))}` : '';
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(name)}${template}`);
  const url = databaseUrl(name);
  const pool = createPool(url, {
    max: 10,
    connectionTimeoutMs: 5_000,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 0,
  });
  let dropping: Promise<void> | undefined;
  const database: TestDatabase = {
    name,
    url,
    pool,
    drop() {
      dropping ??= (async () => {
        await pool.end();
        await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      })();
      return dropping;
    },
  };
  afterThisTest(() => database.drop());
  return database;
}

/**
 * The one set-up for a file's database: made before the file's first test (after the hooks
 * registered before this call), dropped after its last, pass or fail. Read its members inside
 * hooks and tests only.
 */
export function useTestDatabase(options: TestDatabaseOptions = { migrate: true }): TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(options);
  });
  afterAll(async () => {
    await current?.drop();
  });
  const made = (): TestDatabase => {
    if (!current) throw new Error('useTestDatabase(): read before its beforeAll ran');
    return current;
  };
  return {
    get name() {
      return made().name;
    },
    get url() {
      return made().url;
    },
    get pool() {
      return made().pool;
    },
    drop: () => made().drop(),
  };
}
