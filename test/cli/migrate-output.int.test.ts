import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeMigrations } from '../support/migration-dir.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { runCliInProcess } from './in-process-cli.ts';

function writeConfig(migrationsDir: string): string {
  const path = join(migrationsDir, 'hermes.yaml');
  writeFileSync(path, `migrations:\n  dir: ${JSON.stringify(migrationsDir)}\n`);
  return path;
}

async function appliedVersions(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ version: string }>(
    'SELECT version FROM schema_migrations ORDER BY version',
  );
  return rows.map((r) => r.version);
}

// In process, through main(argv): each call costs milliseconds, not a Node start-up.
describe('hermes migrate: what status, plan, up and down print', () => {
  it('an empty directory: no migrations, nothing to migrate', async () => {
    const db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(writeMigrations({})) };
    expect(await runCliInProcess(['migrate', 'status'], { env })).toEqual({
      code: 0,
      stdout: 'no migrations\n',
      stderr: '',
    });
    expect(await runCliInProcess(['migrate', 'plan'], { env })).toEqual({
      code: 0,
      stdout: 'nothing to migrate up\n',
      stderr: '',
    });
  });

  it('status flags an out-of-order pending file without a down, and up refuses to apply it', async () => {
    const db = await createTestDatabase();
    const dir = writeMigrations({
      '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
      '0003_c': { up: 'CREATE TABLE c (x int);', down: 'DROP TABLE c;' },
    });
    const env = { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(dir) };
    const cli = (...args: string[]) => runCliInProcess(args, { env });
    expect((await cli('migrate', 'up')).code).toBe(0);
    writeFileSync(join(dir, '0002_b.up.sql'), 'CREATE TABLE b (x int);');

    const status = await cli('migrate', 'status');
    expect(status.code).toBe(0);
    const lines = status.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^applied {12}0001_a {2}\d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ ms, [^)]+\)$/);
    expect(lines[1]).toBe('pending            0002_b  [out of order, no down file]');
    expect(lines[2]).toMatch(/^applied {12}0003_c {2}\d{4}-\d\d-\d\dT[\d:.]+Z \(\d+ ms, [^)]+\)$/);

    expect(await cli('migrate', 'plan')).toEqual({
      code: 1,
      stdout: 'would apply  0002_b\nblocked: 0002_b: pending (out of order)\n',
      stderr: 'hermes: migrate up would be refused [migration_blocked]\n',
    });
    expect(await cli('migrate', 'up')).toEqual({
      code: 1,
      stdout: '· 0002_b not run\n',
      stderr: 'hermes: migrate up refused [migration_blocked]\n  - 0002_b: pending (out of order)\n',
    });
    expect(await appliedVersions(db)).toEqual(['0001', '0003']);
    expect(await db.pool.query("SELECT to_regclass('b') AS b")).toMatchObject({ rows: [{ b: null }] });

    // Only a roll-back goes to 0: `plan --to 0` without --down is a usage error.
    const zero = await cli('migrate', 'plan', '--to', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(
      'hermes: --to: expected a migration version such as 3 or 0003, got "0" [usage_invalid]\n' +
        '    run `hermes migrate plan --help` for the usage\n',
    );
  });

  it('a failing up names the failed step and the ones not run, in text and in --json', async () => {
    const db = await createTestDatabase();
    const dir = writeMigrations({
      '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
      '0002_bad': { up: 'SELECT no_such_function();', down: 'SELECT 1;' },
      '0003_after': { up: 'CREATE TABLE after (x int);', down: 'DROP TABLE after;' },
    });
    const env = { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(dir) };
    const message =
      '0002_bad (up) failed: function no_such_function() does not exist (SQLSTATE 42883, line 1); rolled back';

    const text = await runCliInProcess(['migrate', 'up'], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /^✔ applied 0001_a \(\d+ ms\)\n✘ 0002_bad failed after \d+ ms\n· 0003_after not run\n$/,
    );
    expect(text.stderr).toBe(`hermes: ${message} [migration_failed]\n`);
    expect(await appliedVersions(db)).toEqual(['0001']);

    const json = await runCliInProcess(['--json', 'migrate', 'up'], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      direction: 'up',
      results: [
        {
          version: '0002',
          name: '0002_bad',
          direction: 'up',
          status: 'failed',
          durationMs: expect.any(Number) as number,
          error: 'function no_such_function() does not exist (SQLSTATE 42883, line 1)',
        },
        { version: '0003', name: '0003_after', direction: 'up', status: 'not_executed', durationMs: 0 },
      ],
      error: { code: 'migration_failed', message, details: [] },
    });
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'migration_failed', message } });
    expect(await appliedVersions(db)).toEqual(['0001']);
  });

  it('a down plan: a schema dropped, a table not there to count, nothing to revert, a file gone', async () => {
    const db = await createTestDatabase();
    const dir = writeMigrations({
      '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
      '0002_s': {
        up: '-- hermes:no-transaction\nCREATE SCHEMA s;',
        down: 'DROP SCHEMA s CASCADE;\nDROP TABLE ghost;',
      },
    });
    const env = { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(dir) };
    const cli = (...args: string[]) => runCliInProcess(args, { env });
    expect((await cli('migrate', 'up')).code).toBe(0);

    expect(await cli('migrate', 'plan', '--down', '--to', '0')).toEqual({
      code: 0,
      stdout: [
        'would revert 0002_s (no transaction)',
        '  data loss: drops schema s and everything in it',
        // No table ghost to count: the loss is said without a row count.
        '  data loss: drops table ghost',
        'would revert 0001_a',
        '  data loss: drops table a (0 rows)',
        '',
      ].join('\n'),
      stderr: '',
    });

    // Nothing newer than 2: the plan is the answer, exit 0, without --yes and without a question.
    expect(await cli('migrate', 'down', '--to', '2')).toEqual({
      code: 0,
      stdout: 'nothing to migrate down\n',
      stderr: '',
    });

    // Both files of 0001 gone: it cannot be reverted, and the plan says so.
    rmSync(join(dir, '0001_a.up.sql'));
    rmSync(join(dir, '0001_a.down.sql'));
    const blocked = await cli('--json', 'migrate', 'down', '--to', '0', '--dry-run');
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toMatchObject({
      direction: 'down',
      steps: ['0002_s'],
      blockers: ['0001_a: no file to revert it with'],
    });
    expect(JSON.parse(blocked.stderr)).toEqual({
      error: { code: 'migration_blocked', message: 'migrate down would be refused' },
    });
    expect(await appliedVersions(db)).toEqual(['0001', '0002']);
  });
});
