import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Migrator } from '../../src/migrations/migrator.ts';
import { writeMigrations } from '../support/migration-dir.ts';
import { createTestDatabase } from '../support/test-database.ts';

async function setup(dir: string) {
  const db = await createTestDatabase();
  const migrator = new Migrator({ pool: db.pool, dir, lockTimeoutMs: 2_000, statementTimeoutMs: 10_000 });
  return { db, migrator };
}

const threeTables = {
  '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
  '0002_b': { up: 'CREATE TABLE b (x int);', down: 'DROP TABLE b;' },
  '0003_c': { up: 'CREATE TABLE c (x int);', down: 'DROP TABLE c;' },
};

async function tables(db: { pool: import('pg').Pool }): Promise<string[]> {
  const { rows } = await db.pool.query<{ t: string }>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`,
  );
  return rows.map((r) => r.t);
}

describe('migrate down refuses what it cannot revert safely, and reverts nothing', () => {
  it('an applied migration whose files are gone: no file to revert it with', async () => {
    const dir = writeMigrations(threeTables);
    const { db, migrator } = await setup(dir);
    expect((await migrator.up()).error).toBeUndefined();
    rmSync(join(dir, '0003_c.up.sql'));
    rmSync(join(dir, '0003_c.down.sql'));

    const run = await migrator.down('1');
    expect(run.error?.code).toBe('migration_blocked');
    expect(run.error?.details).toEqual(['0003_c: no file to revert it with']);
    // 0002_b could be reverted, but a down run is all or nothing: nothing ran.
    expect(run.results?.map((r) => [r.name, r.status])).toEqual([['0002_b', 'not_executed']]);
    expect(await tables(db)).toEqual(['a', 'b', 'c']);
  });

  it('an applied migration changed since: its down may not match what was applied', async () => {
    const dir = writeMigrations(threeTables);
    const { db, migrator } = await setup(dir);
    expect((await migrator.up()).error).toBeUndefined();
    appendFileSync(join(dir, '0002_b.up.sql'), '\n-- edited after it was applied\n');

    const run = await migrator.down('0');
    expect(run.error?.code).toBe('migration_blocked');
    expect(run.error?.details).toEqual([
      '0002_b: checksum mismatch; its down may not match what was applied',
    ]);
    expect(run.results?.map((r) => [r.name, r.status])).toEqual([
      ['0003_c', 'not_executed'],
      ['0001_a', 'not_executed'],
    ]);
    expect(await tables(db)).toEqual(['a', 'b', 'c']);
    expect((await migrator.status()).map((s) => s.state)).toEqual([
      'applied',
      'checksum_mismatch',
      'applied',
    ]);
  });
});

describe('a migrations directory that cannot be read', () => {
  it('throws the I/O error (it is no migration result), runs nothing, and a later run migrates at once', async () => {
    const dir = writeMigrations(threeTables);
    const { db, migrator } = await setup(dir);
    // An entry named like an up file that is a directory: reading it fails with EISDIR.
    rmSync(join(dir, '0002_b.up.sql'));
    mkdirSync(join(dir, '0002_b.up.sql'));
    await expect(migrator.up()).rejects.toMatchObject({ code: 'EISDIR' });
    expect(await tables(db)).toEqual([]);
    // The throw did not leave the migration lock held: an impatient run gets it.
    const next = new Migrator({
      pool: db.pool,
      dir: writeMigrations(threeTables),
      lockTimeoutMs: 2_000,
      statementTimeoutMs: 10_000,
      lockWaitMs: 100,
    });
    expect((await next.up()).error).toBeUndefined();
    expect(await tables(db)).toEqual(['a', 'b', 'c']);
  });
});

describe('a no-transaction migration that fails half-way', () => {
  it('says the statements before the failing one stay applied, keeps them, and records nothing', async () => {
    const { db, migrator } = await setup(
      writeMigrations({
        '0001_a': { up: 'CREATE TABLE a (x int);', down: 'DROP TABLE a;' },
        '0002_half': {
          up: '-- hermes:no-transaction\nCREATE TABLE before_failure (x int);\nSELECT * FROM no_such_table;\nCREATE TABLE after_failure (x int);\n',
          down: '-- hermes:no-transaction\nDROP TABLE IF EXISTS after_failure;\nDROP TABLE IF EXISTS before_failure;\n',
        },
      }),
    );
    const run = await migrator.up();
    expect(run.results?.map((r) => [r.name, r.status])).toEqual([
      ['0001_a', 'success'],
      ['0002_half', 'failed'],
    ]);
    expect(run.error?.code).toBe('migration_failed');
    expect(run.error?.message).toMatch(
      /^0002_half \(up\) failed: relation "no_such_table" does not exist .*; not in a transaction: statements before the failing one stay applied$/,
    );
    expect(await tables(db)).toEqual(['a', 'before_failure']);
    expect((await migrator.status()).map((s) => s.state)).toEqual(['applied', 'pending']);
  });
});

describe('a no-transaction migration with empty statements and comments between them', () => {
  it('applies: the splitter drops what is blank, PostgreSQL accepts a comment alone', async () => {
    const { db, migrator } = await setup(
      writeMigrations({
        '0001_sparse': {
          up: '-- hermes:no-transaction\nCREATE TABLE a (x int);\n;\n  ;\nCREATE TABLE b (x int);;\n-- a closing remark\n',
          down: 'DROP TABLE b;\nDROP TABLE a;',
        },
      }),
    );
    expect((await migrator.up()).error).toBeUndefined();
    expect(await tables(db)).toEqual(['a', 'b']);
    expect((await migrator.status()).map((s) => s.state)).toEqual(['applied']);
  });
});
