import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyReversible, type ReversibilityReport } from '../../src/migrations/verify-reversible.ts';
import { writeMigrations, type MigrationSource } from '../support/migration-dir.ts';
import { useTestDatabase } from '../support/test-database.ts';

// The server that hosts each verification's scratch database (a fresh one per call).
const db = useTestDatabase({});
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function verify(migrations: Record<string, MigrationSource>): Promise<ReversibilityReport> {
  const dir = writeMigrations(migrations);
  dirs.push(dir);
  return verifyReversible({
    sourceUrl: db.url,
    embedded: false,
    dir,
    lockTimeoutMs: 5_000,
    statementTimeoutMs: 60_000,
  });
}

const widgets: MigrationSource = {
  up: 'CREATE TABLE widgets (id bigint PRIMARY KEY, name text);\n',
  down: 'DROP TABLE widgets;\n',
};

describe('verifyReversible, round by round', () => {
  it('stops at an up that fails, naming it, without running any down', async () => {
    const report = await verify({
      '0001_create_widgets': widgets,
      '0002_add_colour': {
        up: 'ALTER TABLE widgets ADD COLUMN colour text;\nALTER TABLE no_such_table ADD COLUMN x int;\n',
        down: 'ALTER TABLE widgets DROP COLUMN colour;\n',
      },
      '0003_add_size': {
        up: 'ALTER TABLE widgets ADD COLUMN size int;\n',
        down: 'ALTER TABLE widgets DROP COLUMN size;\n',
      },
    });
    expect(report.ok).toBe(false);
    expect(report.migrations).toBe(3);
    expect(report.problems).toEqual([
      expect.stringMatching(/^0002_add_colour: up failed: .*relation "no_such_table" does not exist/),
    ]);
  });

  it('names a migration without a down, with the reason the migrator refused indented below', async () => {
    const report = await verify({
      '0001_create_widgets': widgets,
      '0002_add_colour': { up: 'ALTER TABLE widgets ADD COLUMN colour text;\n' },
    });
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      '0002_add_colour: down failed: migrate down refused',
      '  0002_add_colour: no down migration',
    ]);
  });

  it('names an up that gives another schema the second time, when its down left state behind', async () => {
    // The large object outlives the down (no schema snapshot sees it): the second up takes the other branch.
    const report = await verify({
      '0001_remembering': {
        up: `DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_largeobject_metadata WHERE oid = 424242) THEN
    CREATE TABLE second_time (id int);
  ELSE
    PERFORM lo_create(424242);
    CREATE TABLE first_time (id int);
  END IF;
END $$;
`,
        down: 'DROP TABLE IF EXISTS first_time, second_time;\n',
      },
    });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toBe('0001_remembering: up after down gives another schema');
    expect(report.problems.slice(1)).toEqual(
      expect.arrayContaining(['  - relation public.first_time r', '  + relation public.second_time r']),
    );
  });

  it('names an up that fails the second time, after a down that did not undo all it did', async () => {
    const report = await verify({
      '0001_create_widgets': widgets,
      '0002_once_only': {
        up: 'SELECT lo_create(434343);\nCREATE TABLE gadgets (id int);\n',
        down: 'DROP TABLE gadgets;\n',
      },
      '0003_add_size': {
        up: 'ALTER TABLE widgets ADD COLUMN size int;\n',
        down: 'ALTER TABLE widgets DROP COLUMN size;\n',
      },
    });
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatch(/^0002_once_only: up again failed: .*duplicate key value/);
    // The rounds before were clean, and the third up is not tried again after the failure.
    expect(report.problems.join('\n')).not.toMatch(/0001_create_widgets|0003_add_size/);
  });

  it('warns, not fails, about a down declared destructive that loses none of the seeded rows', async () => {
    const report = await verify({
      '0001_create_widgets': {
        up: widgets.up,
        down: '-- hermes:destructive reason=the table and its rows go with the release\nDROP TABLE widgets;\n',
      },
    });
    expect(report).toMatchObject({ ok: true, problems: [], dataLosses: [] });
    // Before its up there was no widgets table, so no row of it was there to lose.
    expect(report.warnings).toEqual([
      '0001_create_widgets: down declared destructive (reason: the table and its rows go with the release), loses none of the seeded rows',
    ]);
  });
});
