import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { destructiveReasonOf, loadMigrationFiles } from '../../src/migrations/migration-file.ts';
import { verifyReversible } from '../../src/migrations/verify-reversible.ts';
import { writeMigrations } from '../support/migration-dir.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, migrationsDir, type TestDatabase } from '../support/test-database.ts';

/** The project's migrations plus one whose down deletes every lead (and so, by cascade, the outbox). */
function withPurgingDown(downPrefix = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-destructive-'));
  cpSync(migrationsDir, dir, { recursive: true });
  writeFileSync(
    join(dir, '0099_add_hermes_leads_purge_flag.up.sql'),
    'ALTER TABLE hermes_leads ADD COLUMN purge_flag boolean;\n',
  );
  writeFileSync(
    join(dir, '0099_add_hermes_leads_purge_flag.down.sql'),
    `${downPrefix}DELETE FROM hermes_leads;\nALTER TABLE hermes_leads DROP COLUMN purge_flag;\n`,
  );
  return dir;
}

function writeConfig(dir: string): string {
  const config = join(mkdtempSync(join(tmpdir(), 'hermes-config-')), 'hermes.yaml');
  writeFileSync(config, `migrations:\n  dir: ${JSON.stringify(dir)}\n`);
  return config;
}

describe('a down that destroys data', () => {
  let db: TestDatabase;
  const dirs: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const verify = (dir: string) =>
    verifyReversible({
      sourceUrl: db.url,
      embedded: false,
      dir,
      lockTimeoutMs: 5_000,
      statementTimeoutMs: 60_000,
    });

  it('is found: the migration, the table and the number of rows lost', async () => {
    const dir = withPurgingDown();
    dirs.push(dir);
    const report = await verify(dir);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe(
      '0099_add_hermes_leads_purge_flag: down loses rows present before its up (not marked -- hermes:destructive)',
    );
    expect(report.problems.join('\n')).toMatch(
      /public\.hermes_leads: 3 of 3 rows present before the up are gone/,
    );
    expect(report.dataLosses).toContainEqual({
      migration: '0099_add_hermes_leads_purge_flag',
      table: 'public.hermes_leads',
      lost: 3,
    });
    // Only the purging migration is blamed, not the earlier ones whose downs find the leads gone.
    expect(new Set(report.dataLosses.map((l) => l.migration))).toEqual(
      new Set(['0099_add_hermes_leads_purge_flag']),
    );
  });

  it('is reported, not failed, when the down declares itself destructive with a reason', async () => {
    const dir = withPurgingDown('-- hermes:destructive reason=leads are re-imported from the CRM\n');
    dirs.push(dir);
    const report = await verify(dir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.warnings[0]).toBe(
      '0099_add_hermes_leads_purge_flag: down declared destructive (reason: leads are re-imported from the CRM), loses data',
    );
  });

  it("passes on the project's own migrations, every table seeded", async () => {
    const report = await verify(migrationsDir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([]);
    expect(report.seededTables).toContain('public.hermes_leads');
    expect(report.seededTables).toContain('public.hermes_deliveries');
    expect(report.notSeeded).toEqual([]);
  });

  it('a down that drops the column its up added loses nothing (and a column named x is a column)', async () => {
    const dir = writeMigrations({
      '0001_create_widgets': {
        up: 'CREATE TABLE widgets (x int PRIMARY KEY, name text NOT NULL);',
        down: 'DROP TABLE widgets;',
      },
      '0002_add_widget_colour': {
        up: 'ALTER TABLE widgets ADD COLUMN colour text;',
        down: 'ALTER TABLE widgets DROP COLUMN colour;',
      },
    });
    dirs.push(dir);
    const report = await verify(dir);
    expect(report.problems).toEqual([]);
    expect(report.seededTables).toEqual(['public.widgets']);
  });

  it('names a table no generic row fits as not seeded', async () => {
    const dir = writeMigrations({
      '0001_create_points': { up: 'CREATE TABLE points (at point NOT NULL);', down: 'DROP TABLE points;' },
      '0002_noop': { up: 'SELECT 1;', down: 'SELECT 1;' },
    });
    dirs.push(dir);
    const report = await verify(dir);
    expect(report.ok).toBe(true);
    expect(report.notSeeded).toEqual(['public.points: cannot fill NOT NULL column at point generically']);
  });

  it('a marker without a reason is refused by the loader and by `hermes migrate validate`', async () => {
    expect(destructiveReasonOf('-- hermes:destructive reason="old rows are archived"\nDELETE FROM t;')).toBe(
      'old rows are archived',
    );
    expect(destructiveReasonOf('-- hermes:destructive\nDELETE FROM t;')).toBe('');
    expect(destructiveReasonOf('DELETE FROM t;')).toBeNull();
    const dir = writeMigrations({
      '0001_a': { up: 'CREATE TABLE a (x int);', down: '-- hermes:destructive reason=\nDROP TABLE a;' },
    });
    dirs.push(dir);
    expect(() => loadMigrationFiles(dir)).toThrow(/invalid migration files/);
    const validate = await runCli(['migrate', 'validate'], {
      env: { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(dir) },
    });
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain('0001_a.down.sql: -- hermes:destructive without reason=');
  });

  it('`hermes migrate verify-reversible` fails naming the migration and the table', async () => {
    const dir = withPurgingDown();
    dirs.push(dir);
    const run = await runCli(['migrate', 'verify-reversible'], {
      env: { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(dir) },
      timeoutMs: 120_000,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('0099_add_hermes_leads_purge_flag: down loses rows present before its up');
    expect(run.stderr).toContain('public.hermes_leads: 3 of 3 rows');
  }, 130_000);
});
