import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeMigrations } from '../support/migration-dir.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase } from '../support/test-database.ts';

// Subprocesses: `serve` waits for signals and logs through its own stream; both stop before it listens.
describe('hermes serve on a schema that is not ready', () => {
  it('refuses a pending migration without --migrate; with it, says what it applied and stops at the failure', async () => {
    const db = await createTestDatabase();
    const dir = writeMigrations({
      '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
      '0002_bad': { up: 'SELECT no_such_function();', down: 'SELECT 1;' },
    });
    const config = join(dir, 'hermes.yaml');
    writeFileSync(config, `migrations:\n  dir: ${JSON.stringify(dir)}\nserver:\n  port: 0\n`);
    // Keys set: neither start-up warning (no admin key, the development data key) is printed.
    const env = {
      DATABASE_URL: db.url,
      HERMES_CONFIG: config,
      HERMES_ADMIN_API_KEYS: 'k'.repeat(32),
      HERMES_DATA_KEY: `k1:${randomBytes(32).toString('base64')}`,
    };

    const refused = await runCli(['serve'], { env });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stdout).not.toContain('Hermes listening');
    expect(refused.stderr).toBe(
      'hermes: the database schema does not match this version: run `hermes migrate up` first, or `hermes serve --migrate` [schema_not_ready]\n' +
        '  - 0001_a: pending\n' +
        '  - 0002_bad: pending\n',
    );
    const nothing = await db.pool.query(
      "SELECT to_regclass('schema_migrations') AS t, to_regclass('a') AS a",
    );
    // The check reads only: not even the migrations table is made.
    expect(nothing.rows).toEqual([{ t: null, a: null }]);

    const failed = await runCli(['serve', '--migrate'], { env });
    expect(failed.code).toBe(1);
    expect(failed.stdout).not.toContain('Hermes listening');
    expect(failed.stderr).toBe(
      'hermes: applied 1 migration\n' +
        'hermes: 0002_bad (up) failed: function no_such_function() does not exist (SQLSTATE 42883, line 1); rolled back [migration_failed]\n',
    );
    const { rows } = await db.pool.query<{ version: string }>('SELECT version FROM schema_migrations');
    expect(rows).toEqual([{ version: '0001' }]);
  });
});
