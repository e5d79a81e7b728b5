import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { schemaBreakingGate } from '../../../src/gates/builtin/db/schema-breaking.ts';
import { runCli } from '../../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext, makeProject, repoRoot } from './support/gate-context.ts';
import { testMigrator } from '../../support/migration-dir.ts';

// A project whose last migration drops a column without `-- hermes:breaking`.
const migrations: Record<string, string> = {
  'migrations/0001_create_widgets.up.sql': 'CREATE TABLE widgets (id bigint PRIMARY KEY, colour text);',
  'migrations/0001_create_widgets.down.sql': 'DROP TABLE widgets;',
  'migrations/0002_add_widget_size.up.sql': 'ALTER TABLE widgets ADD COLUMN size integer;',
  'migrations/0002_add_widget_size.down.sql': 'ALTER TABLE widgets DROP COLUMN size;',
  'migrations/0003_drop_widget_colour.up.sql': 'ALTER TABLE widgets DROP COLUMN colour;',
  'migrations/0003_drop_widget_colour.down.sql': 'ALTER TABLE widgets ADD COLUMN colour text;',
};

const packageJson = (version: string) => JSON.stringify({ name: 'widgets', version });

function widgetProject(version: string) {
  return makeProject({
    ...migrations,
    'package.json': packageJson(version),
    'hermes.yaml': 'migrations:\n  dir: migrations\n',
  });
}

async function migrateWithCli(cwd: string, url: string, to?: string): Promise<void> {
  const run = await runCli(['migrate', 'up', ...(to === undefined ? [] : ['--to', to])], {
    cwd,
    env: { DATABASE_URL: url },
  });
  expect(run.code, run.stderr).toBe(0);
}

async function judge(cwd: string, url: string, schemaBreaking: Record<string, unknown> = {}) {
  const ctx = gateContext({
    databaseUrl: url,
    cwd,
    config: {
      migrations: { dir: 'migrations' },
      gates: { thresholds: { db: { schemaBreaking: { baselineVersion: '1.3.0', ...schemaBreaking } } } },
    },
  });
  try {
    return await schemaBreakingGate.run(ctx);
  } finally {
    await ctx.close();
  }
}

const dropped = '0003_drop_widget_colour: dropped or renamed column public.widgets.colour';

/** The two counts the gate reports: migrations compared, and those with a breaking change. */
const counts = (outcome: { measurements?: { name: string; value: number }[] }) =>
  Object.fromEntries((outcome.measurements ?? []).map((m) => [m.name, m.value]));

describe('db.schema.breaking compares with the release being replaced, not the database as it is now', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  async function database(): Promise<TestDatabase> {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    return db;
  }

  function project(version: string) {
    const created = widgetProject(version);
    cleanups.push(created.remove);
    return created;
  }

  it('fails naming the drop on a database this release migrated fully with the CLI (baseline 0)', async () => {
    const db = await database();
    const { dir } = project('1.4.0');
    await migrateWithCli(dir, db.url);
    const outcome = await judge(dir, db.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(dropped);
    expect(outcome.summary).toContain('not marked -- hermes:breaking');
    expect(outcome.summary).toContain('baseline 0 (the configured database before release 1.4.0');
    expect(counts(outcome)).toEqual({
      'migrations since the baseline': 3,
      'migrations with breaking changes': 1,
    });
  });

  it("takes the recorded release: the database's version before this release's migrations", async () => {
    const db = await database();
    const { dir } = project('1.3.0');
    await migrateWithCli(dir, db.url, '0002');
    writeFileSync(join(dir, 'package.json'), packageJson('1.4.0'));
    await migrateWithCli(dir, db.url);
    const { rows } = await db.pool.query<{ version: string; release: string | null }>(
      'SELECT version, release FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual([
      { version: '0001', release: '1.3.0' },
      { version: '0002', release: '1.3.0' },
      { version: '0003', release: '1.4.0' },
    ]);
    const outcome = await judge(dir, db.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(dropped);
    expect(outcome.summary).toContain('baseline 0002 (the configured database before release 1.4.0');
    expect(outcome.measurements?.find((m) => m.name === 'migrations since the baseline')?.value).toBe(1);
  });

  it('adds the release column to an older schema_migrations; its rows are not this release', async () => {
    const db = await database();
    const { dir } = project('1.4.0');
    // Applied by a migrator from before releases were recorded: no column at all.
    const old = testMigrator(db.pool, join(dir, 'migrations'));
    const run = await old.up('0002');
    if (run.error) throw run.error;
    await db.pool.query('ALTER TABLE schema_migrations DROP COLUMN release');
    // The gate reads a table without the column, read-only.
    const before = await judge(dir, db.url);
    expect(before.status).toBe('fail');
    expect(before.summary).toContain('baseline 0002');
    await migrateWithCli(dir, db.url);
    const { rows } = await db.pool.query<{ version: string; release: string | null }>(
      'SELECT version, release FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.release)).toEqual([null, null, '1.4.0']);
    const outcome = await judge(dir, db.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(dropped);
    expect(outcome.summary).toContain('baseline 0002 (the configured database before release 1.4.0');
  });

  it('takes the configured baselineMigration over the database', async () => {
    const db = await database();
    const { dir } = project('1.4.0');
    await migrateWithCli(dir, db.url);
    const fromTwo = await judge(dir, db.url, { baselineMigration: '0002' });
    expect(fromTwo.status).toBe('fail');
    expect(fromTwo.summary).toContain(dropped);
    expect(fromTwo.summary).toContain('baseline 0002 (gates.thresholds.db.schemaBreaking.baselineMigration)');
    expect(counts(fromTwo)).toEqual({
      'migrations since the baseline': 1,
      'migrations with breaking changes': 1,
    });
    const fromThree = await judge(dir, db.url, { baselineMigration: '0003' });
    expect(fromThree.status, fromThree.summary).toBe('pass');
    expect(fromThree.summary).toBe(
      'no migration since baseline 0003 (gates.thresholds.db.schemaBreaking.baselineMigration)',
    );
  });

  it('is an error naming a baselineMigration the code does not have', async () => {
    const db = await database();
    const { dir } = project('1.4.0');
    const outcome = await judge(dir, db.url, { baselineMigration: '0009' });
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toContain(
      'baselineMigration: no migration numbered 0009 (known: 0001, 0002, 0003)',
    );
  });

  it('takes the migrations at the newest git tag when there is one', async () => {
    const db = await database();
    const { dir } = project('1.4.0');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: dir,
        stdio: 'ignore',
      });
    git('init', '-q');
    git(
      'add',
      'package.json',
      'migrations/0001_create_widgets.up.sql',
      'migrations/0001_create_widgets.down.sql',
    );
    git('add', 'migrations/0002_add_widget_size.up.sql', 'migrations/0002_add_widget_size.down.sql');
    git('commit', '-qm', 'release 1.3.0');
    git('tag', 'v1.3.0');
    await migrateWithCli(dir, db.url);
    const outcome = await judge(dir, db.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(dropped);
    expect(outcome.summary).toContain('baseline 0002 (the migrations at the newest git tag v1.3.0)');
  });

  describe("Hermes's own migrations", () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('pass compared from 0 on a database the CLI migrated (what .ci/run does)', async () => {
      await migrateWithCli(repoRoot, db.url);
      const ctx = gateContext({ databaseUrl: db.url });
      const outcome = await schemaBreakingGate.run(ctx);
      await ctx.close();
      expect(outcome.status, outcome.summary).toBe('pass');
      const own = readdirSync(join(repoRoot, 'migrations')).filter((f) => f.endsWith('.up.sql')).length;
      expect(outcome.summary).toMatch(
        /^\d+ migrations since baseline 0 \(the configured database before release .*, no breaking change$/,
      );
      expect(outcome.summary.startsWith(`${String(own)} migrations since`)).toBe(true);
      expect(counts(outcome)).toEqual({
        'migrations since the baseline': own,
        'migrations with breaking changes': 0,
      });
    });
  });
});
