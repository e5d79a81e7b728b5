import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMigrations } from '../support/migration-dir.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

describe('hermes migrate (subprocess)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('status, plan, up, validate and down tell the whole story with the right exit codes', async () => {
    const dir = writeMigrations({
      '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
      '0002_b': { up: 'CREATE TABLE b (x int);', down: 'DROP TABLE b;' },
    });
    const env = { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(dir) };

    const pending = await runCli(['migrate', 'validate'], { env });
    expect(pending.code).toBe(1);
    expect(pending.stderr).toContain('0001_a: pending');

    const plan = await runCli(['migrate', 'plan'], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('would apply  0001_a');

    const up = await runCli(['migrate', 'up'], { env });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/✔ applied 0001_a \(\d+ ms\)\n✔ applied 0002_b/);

    const status = await runCli(['--json', 'migrate', 'status'], { env });
    const parsed = JSON.parse(status.stdout) as { name: string; state: string }[];
    expect(parsed.map((m) => [m.name, m.state])).toEqual([
      ['0001_a', 'applied'],
      ['0002_b', 'applied'],
    ]);
    expect((await runCli(['migrate', 'validate'], { env })).code).toBe(0);

    appendFileSync(join(dir, '0002_b.up.sql'), '-- changed');
    const tampered = await runCli(['migrate', 'validate'], { env });
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('0002_b: checksum mismatch');

    writeFileSync(join(dir, '0002_b.up.sql'), 'CREATE TABLE b (x int);');
    const down = await runCli(['migrate', 'down', '--to', '0', '--yes'], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('2 migrations reverted');
    // Reverted in the database, not only in the output: both tables and both records gone.
    const { rows } = await db.pool.query<{ a: string | null; b: string | null; applied: number }>(
      `SELECT to_regclass('a')::text AS a, to_regclass('b')::text AS b,
              (SELECT count(*)::int FROM schema_migrations) AS applied`,
    );
    expect(rows).toEqual([{ a: null, b: null, applied: 0 }]);
  });

  it('down prints its plan with the data it loses, and reverts nothing unless confirmed', async () => {
    const other = await createTestDatabase();
    try {
      const dir = writeMigrations({
        '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
        '0002_b': {
          up: 'ALTER TABLE a ADD COLUMN y int;\nCREATE TABLE b (x int);',
          down: '-- hermes:destructive reason=b is scratch data\nALTER TABLE a DROP COLUMN y;\nDROP TABLE b;',
        },
      });
      const env = { DATABASE_URL: other.url, HERMES_CONFIG: writeConfig(dir) };
      expect((await runCli(['migrate', 'up'], { env })).code).toBe(0);
      await other.pool.query('INSERT INTO a (x) SELECT generate_series(1, 3)');
      await other.pool.query('INSERT INTO b VALUES (1)');
      const applied = async () =>
        (await other.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]
          ?.n;

      // Production: the plan only, whatever the terminal, and an exit that is not success.
      const production = { ...env, HERMES_ENV: 'production' };
      const planOnly = await runCli(['migrate', 'down', '--to', '0'], { env: production });
      expect(planOnly.code).toBe(2);
      expect(planOnly.stdout).toBe(
        [
          'would revert 0002_b',
          '  data loss: drops column a.y (3 rows)',
          '  data loss: drops table b (1 row)',
          '  declared destructive: b is scratch data',
          'would revert 0001_a',
          '  data loss: drops table a (3 rows)',
          '',
        ].join('\n'),
      );
      expect(planOnly.stderr).toContain(
        'environment is production: nothing was done; add --yes to revert 2 migrations [confirmation_required]',
      );
      expect(await applied()).toBe(2);

      // Elsewhere, without a terminal: refused, pointing to --yes and --dry-run.
      const refused = await runCli(['migrate', 'down', '--to', '1'], { env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('add --yes to revert 1 migration (or --dry-run');
      const dry = await runCli(['--json', 'migrate', 'down', '--to', '0', '--dry-run'], { env });
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({
        direction: 'down',
        steps: ['0002_b', '0001_a'],
        data_loss: [
          { migration: '0002_b', kind: 'drop column', table: 'a', column: 'y', rows: 3 },
          { migration: '0002_b', kind: 'drop table', table: 'b', rows: 1 },
          { migration: '0001_a', kind: 'drop table', table: 'a', rows: 3 },
        ],
      });
      expect(await applied()).toBe(2);
      expect((await other.pool.query('SELECT count(*)::int AS n FROM b')).rows[0]).toEqual({ n: 1 });

      // `migrate plan --down` shows the same data loss.
      const plan = await runCli(['migrate', 'plan', '--down', '--to', '1'], { env });
      expect(plan.stdout).toContain('  data loss: drops table b (1 row)');

      const confirmed = await runCli(['migrate', 'down', '--to', '0', '--yes'], { env: production });
      expect(confirmed.code, confirmed.stderr).toBe(0);
      expect(confirmed.stdout).toContain('2 migrations reverted');
      expect(await applied()).toBe(0);
    } finally {
      await other.drop();
    }
  });

  it('two concurrent `migrate up` processes apply each migration exactly once', async () => {
    const other = await createTestDatabase();
    try {
      await other.pool.query('CREATE TABLE applied_log (name text)');
      const dir = writeMigrations({
        // Slow enough that the two processes overlap; a second apply would insert twice or fail.
        '0001_slow': {
          up: `SELECT pg_sleep(1.5);\nCREATE TABLE once (x int);\nINSERT INTO applied_log VALUES ('0001');`,
          down: 'DROP TABLE once;',
        },
        '0002_next': {
          up: `INSERT INTO applied_log VALUES ('0002');`,
          down: `DELETE FROM applied_log WHERE name = '0002';`,
        },
      });
      const env = { DATABASE_URL: other.url, HERMES_CONFIG: writeConfig(dir) };
      const [first, second] = await Promise.all([
        runCli(['migrate', 'up'], { env }),
        runCli(['migrate', 'up'], { env }),
      ]);
      expect([first.code, second.code]).toEqual([0, 0]);
      const outputs = [first.stdout, second.stdout];
      expect(outputs.filter((o) => o.includes('2 migrations applied'))).toHaveLength(1);
      expect(outputs.filter((o) => o.includes('nothing to migrate up'))).toHaveLength(1);
      const { rows } = await other.pool.query<{ name: string }>('SELECT name FROM applied_log ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(['0001', '0002']);
      expect((await other.pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]).toEqual({
        n: 2,
      });
    } finally {
      await other.drop();
    }
  });

  it('verify-reversible passes on the project migrations and names a migration whose down is incomplete', async () => {
    const good = await runCli(['migrate', 'verify-reversible'], { env: { DATABASE_URL: db.url } });
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/migrations reversible/);

    const dir = writeMigrations({
      '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
      '0002_leaky': {
        up: 'ALTER TABLE a ADD COLUMN y int;\nCREATE INDEX a_y_idx ON a (y);',
        down: 'DROP INDEX a_y_idx;',
      },
    });
    const bad = await runCli(['migrate', 'verify-reversible'], {
      env: { DATABASE_URL: db.url, HERMES_CONFIG: writeConfig(dir) },
    });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('0002_leaky: down does not restore the schema it replaced');
    expect(bad.stderr).toContain('+ column public.a.y integer');

    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'hermes_scratch_%'`,
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('exits 2 with one clear line when the database is unreachable', async () => {
    const result = await runCli(['migrate', 'status'], {
      env: { DATABASE_URL: 'postgres://postgres:pw@127.0.0.1:1/nowhere' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^hermes: cannot connect to the database: .*ECONNREFUSED.* \[db_connection_failure\]\n/,
    );
    expect(result.stderr).not.toContain('    at ');
  });
});

function writeConfig(migrationsDir: string): string {
  const path = join(migrationsDir, 'hermes.yaml');
  writeFileSync(path, `migrations:\n  dir: ${JSON.stringify(migrationsDir)}\n`);
  return path;
}
