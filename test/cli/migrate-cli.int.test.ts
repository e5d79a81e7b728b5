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
    const down = await runCli(['migrate', 'down', '--to', '0'], { env });
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('2 migrations reverted');
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
