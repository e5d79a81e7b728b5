import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsAppliedGate } from '../../../src/gates/builtin/db/migrations-applied.ts';
import { testMigrator, writeMigrations } from '../../support/migration-dir.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

/** The judged counts (each must be 0): out of order, checksum mismatches, unknown or missing files. */
const problems = (outOfOrder: number, mismatches: number, missing: number) =>
  (
    [
      ['pending out of order', outOfOrder],
      ['checksum mismatches', mismatches],
      ['unknown or missing files', missing],
    ] as const
  ).map(([name, value]) => ({ name, value, threshold: 0, comparison: '==', passed: value === 0 }));

const table = (name: string) => ({ up: `CREATE TABLE ${name} (id int);`, down: `DROP TABLE ${name};` });

/** Migrations that arrive after the database was migrated: `0003_c` creates table c. */
function arrive(dir: string, ...names: string[]): void {
  for (const name of names) {
    const { up, down } = table(name.slice(name.indexOf('_') + 1));
    writeFileSync(join(dir, `${name}.up.sql`), up);
    writeFileSync(join(dir, `${name}.down.sql`), down);
  }
}

async function judge(url: string, dir: string) {
  const ctx = gateContext({ databaseUrl: url, config: { migrations: { dir } } });
  try {
    return await migrationsAppliedGate.run(ctx);
  } finally {
    await ctx.close();
  }
}

describe('db.migrations.applied before a deploy', () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const db of databases.splice(0)) await db.drop();
  });

  async function migrated(dir: string): Promise<TestDatabase> {
    const db = await createTestDatabase();
    databases.push(db);
    const run = await testMigrator(db.pool, dir).up();
    if (run.error) throw run.error;
    return db;
  }

  it("passes with this release's pending migrations reported as applied by the deploy", async () => {
    const dir = writeMigrations({ '0001_a': table('a'), '0002_b': table('b') });
    const db = await migrated(dir);
    arrive(dir, '0003_c', '0004_d');
    const outcome = await judge(db.url, dir);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      '2 of 4 migrations applied, checksums match, schema version 0002 (code 0004); 2 pending, applied by the deploy: 0003_c, 0004_d',
    );
    expect(outcome.measurements?.find((m) => m.name === 'pending, applied by the deploy')?.value).toBe(2);
    // Pending this release's migrations is no problem: nothing judged fails.
    expect(judged(outcome)).toEqual(problems(0, 0, 0));
  });

  it('fails naming a pending migration older than the newest applied one', async () => {
    const dir = writeMigrations({ '0001_a': table('a'), '0003_c': table('c') });
    const db = await migrated(dir);
    // 0002 arrives after 0003 was applied (a merge from a long-lived branch); 0004 is this release's.
    arrive(dir, '0002_b', '0004_d');
    const outcome = await judge(db.url, dir);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '0002_b: pending (out of order) (schema version 0003, code 0004); 1 pending, applied by the deploy: 0004_d',
    );
    expect(judged(outcome)).toEqual(problems(1, 0, 0));
  });

  it('still fails naming a missing file beside an expected pending one', async () => {
    const dir = writeMigrations({ '0001_a': table('a'), '0002_b': table('b'), '0003_c': table('c') });
    const db = await migrated(dir);
    rmSync(join(dir, '0002_b.up.sql'));
    rmSync(join(dir, '0002_b.down.sql'));
    arrive(dir, '0004_d');
    const outcome = await judge(db.url, dir);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '0002_b: applied, but its file is missing (schema version 0003, code 0004); 1 pending, applied by the deploy: 0004_d',
    );
    expect(judged(outcome)).toEqual(problems(0, 0, 1));
  });
});
