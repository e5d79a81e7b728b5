import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createPool } from '../../src/db/pool.ts';
import { adminUrl } from './admin-url.ts';
import { adminQuery, databaseUrl } from './test-server.ts';
import { testMigrator } from './migration-dir.ts';

/** The project's own migrations. */
export const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

/** This worker's answer: the template's name once it exists (whichever worker built it). */
let ready: Promise<string> | undefined;

/**
 * The name of a database holding the project's migrations, built once per test run and cloned
 * by every test that needs a migrated database (`CREATE DATABASE x TEMPLATE t`, as
 * graphile-worker's tests do): one migration run instead of one per test file.
 *
 * Built on first use rather than in global-setup.ts: vitest runs the global setup once per
 * project, with or without a server, and the unit project needs neither. The run's teardown
 * drops it with the rest (`hermes_test_<run>_%`).
 */
export function migratedTemplate(runId: string): Promise<string> {
  ready ??= ensureTemplate(`hermes_test_${runId}_template`).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function ensureTemplate(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    // Workers start together: one builds, the others wait here and then find it built.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await buildTemplate(name);
    return name;
  } finally {
    // Ending the session releases the lock.
    await admin.end();
  }
}

async function buildTemplate(name: string): Promise<void> {
  const building = `${name}_building`;
  // A worker killed half-way left its build behind.
  await adminQuery(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(building)} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${pg.escapeIdentifier(building)}`);
  const pool = createPool(databaseUrl(building), {
    max: 1,
    connectionTimeoutMs: 5_000,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 0,
  });
  try {
    const run = await testMigrator(pool, migrationsDir).up();
    if (run.error) throw run.error;
  } finally {
    // A template must have no sessions when it is cloned.
    await pool.end();
  }
  // Renamed only once complete, so no clone ever copies a half-migrated schema.
  await adminQuery(`ALTER DATABASE ${pg.escapeIdentifier(building)} RENAME TO ${pg.escapeIdentifier(name)}`);
}
