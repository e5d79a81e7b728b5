import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMigrations } from '../support/migration-dir.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// The Migrator returns a run it could not plan (here: an unknown --to) instead of throwing; the
// CLI still answers it as it did when it threw: one line on stderr, nothing on stdout, exit 1.
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

  it.each([
    [['migrate', 'up', '--to', '7']],
    [['--json', 'migrate', 'up', '--to', '7']],
    [['migrate', 'down', '--to', '7']],
  ])('%j: the error line and exit 1, nothing else', async (args) => {
    const run = await runCli(args, { env });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'hermes: --to: no migration numbered 7 (known: 0001) [migration_target_unknown]\n',
    );
  });
});
