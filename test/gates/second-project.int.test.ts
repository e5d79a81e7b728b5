import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { StageRun } from '../../src/gates/stage-run.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// A small project that is not Hermes: its own package.json, its own migrations of its own
// `customers` table, and a hermes.yaml that names them. Hermes runs in it as a user would.
const customersUp = `CREATE TABLE customers (
  id           serial      PRIMARY KEY,
  customer_ref text,
  email        text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (customer_ref, email) VALUES ('C-1', 'a@example.test'), ('C-2', 'b@example.test');
`;

const config = {
  migrations: { dir: 'db/migrations' },
  gates: {
    thresholds: {
      db: {
        records: {
          table: 'customers',
          idColumn: 'customer_ref',
          emailColumn: 'email',
          createdAtColumn: 'created_at',
          outboxTable: null,
        },
      },
    },
  },
};

const gateList = 'db.connectivity,db.migrations.applied,db.integrity,db.schema.drift,tests.performance';

let db: TestDatabase;
let dir: string;
const hermes = (args: string[]) =>
  runCli(args, { cwd: dir, env: { DATABASE_URL: db.url, CI: '1' }, timeoutMs: 120_000 });

async function runGates(only = gateList): Promise<StageRun> {
  const result = await hermes(['--json', 'gates', 'run', 'pre-deploy', '--only', only, '--no-reports']);
  expect([0, 1], result.stderr).toContain(result.code);
  return JSON.parse(result.stdout) as StageRun;
}

const resultOf = (run: StageRun, id: string) => run.results.find((r) => r.id === id);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'hermes-second-project-'));
  await mkdir(join(dir, 'db', 'migrations'), { recursive: true });
  await writeFile(join(dir, 'package.json'), '{"name":"shop","version":"1.0.0","private":true}\n');
  await writeFile(join(dir, 'db/migrations/0001_create_customers.up.sql'), customersUp);
  await writeFile(join(dir, 'db/migrations/0001_create_customers.down.sql'), 'DROP TABLE customers;\n');
  await writeFile(join(dir, 'hermes.yaml'), stringify(config));
  const migrated = await hermes(['migrate', 'up']);
  expect(migrated.code, migrated.stderr).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db.drop();
});

describe('the gates on a second project, which is not Hermes', () => {
  it('without `hermes ops init`, the run is not recorded and the note says how to create the tables', async () => {
    const run = await runGates('db.integrity');
    expect(run.history).toEqual({
      recorded: false,
      reason:
        'hermes_ops.gate_runs does not exist: run `hermes migrate up` (Hermes) or `hermes ops init` (another project)',
    });
    const history = await hermes(['gates', 'history']);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain('`hermes ops init` (another project)');
  });

  it('`hermes ops init` creates only hermes_ops, outside the project’s schema_migrations, once', async () => {
    const dry = await hermes(['ops', 'init', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would create schema hermes_ops');
    expect(dry.stdout).toContain('CREATE TABLE hermes_ops.gate_runs');
    const before = await db.pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'hermes_ops'`);
    expect(before.rowCount).toBe(0);

    const init = await hermes(['ops', 'init']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('recorded 0030, 0031 in hermes_ops.schema_version');
    const again = await hermes(['ops', 'init']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Hermes's ops tables are up to date");

    const { rows: tables } = await db.pool.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'hermes_ops.gate_results',
      'hermes_ops.gate_runs',
      'hermes_ops.schema_version',
      'public.customers',
      'public.schema_migrations',
    ]);
    const { rows: applied } = await db.pool.query('SELECT version FROM schema_migrations');
    expect(applied).toEqual([{ version: '0001' }]);
    const status = await hermes(['migrate', 'validate']);
    expect(status.code, status.stdout + status.stderr).toBe(0);
  });

  it('judges the project’s own table, skips what needs configuring, and records the run', async () => {
    const run = await runGates();
    for (const result of run.results) {
      expect(result.status, `${result.id}: ${result.summary} ${result.reason ?? ''}`).not.toBe('error');
      expect(`${result.summary} ${result.reason ?? ''}`).not.toContain(
        'relation "hermes_leads" does not exist',
      );
    }
    expect(resultOf(run, 'db.integrity')).toMatchObject({
      status: 'pass',
      summary:
        '2 rows in customers: no orphaned records, no duplicate customer_refs in customers, 0 duplicate emails; outbox not checked (no outboxTable)',
    });
    expect(resultOf(run, 'db.schema.drift')?.status).toBe('pass');
    expect(resultOf(run, 'tests.performance')).toMatchObject({ status: 'skip' });
    expect(resultOf(run, 'tests.performance')?.reason).toContain(
      'set gates.thresholds.tests.performance.command (and requests)',
    );
    expect(run.history).toEqual({ recorded: true });

    const history = await hermes(['--json', 'gates', 'history', '--limit', '5']);
    expect(history.code, history.stderr).toBe(0);
    expect((JSON.parse(history.stdout) as { id: string }[]).map((r) => r.id)).toContain(run.id);
  });

  it('fails db.integrity naming the column of a customer without its reference', async () => {
    await db.pool.query(`INSERT INTO customers (customer_ref, email) VALUES (NULL, 'c@example.test')`);
    const run = await runGates('db.integrity');
    expect(resultOf(run, 'db.integrity')).toMatchObject({
      status: 'fail',
      summary: '1 orphaned records (customers.customer_ref IS NULL); outbox not checked (no outboxTable)',
    });
  });
});
