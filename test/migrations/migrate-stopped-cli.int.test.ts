import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMigrations } from '../support/migration-dir.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The Migrator returns a run it could not plan (here: an unknown --to) instead of throwing; the
// CLI still answers it as it did when it threw: one line on stderr (a JSON document with --json),
// nothing on stdout, exit 1.
describe('hermes migrate up/down when the run stops before planning', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = await createTestDatabase();
    const dir = writeMigrations({ '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' } });
    const config = join(dir, 'hermes.yaml');
    writeFileSync(config, `migrations:\n  dir: ${JSON.stringify(dir)}\n`);
    env = { DATABASE_URL: db.url, HERMES_CONFIG: config };
  });
  afterAll(() => db.drop());

  const line = 'hermes: --to: no migration numbered 7 (known: 0001) [migration_target_unknown]\n';
  const json = `${JSON.stringify({
    error: { code: 'migration_target_unknown', message: '--to: no migration numbered 7 (known: 0001)' },
  })}\n`;

  it.each([
    [['migrate', 'up', '--to', '7'], line],
    [['--json', 'migrate', 'up', '--to', '7'], json],
    [['migrate', 'down', '--to', '7'], line],
  ])('%j: the error line (JSON with --json) and exit 1, nothing else', async (args, expected) => {
    const run = await runCli(args, { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(expected);
  });
});
