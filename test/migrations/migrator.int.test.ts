import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Migrator } from '../../src/migrations/migrator.ts';
import { takeSchemaSnapshot } from '../../src/migrations/schema-snapshot.ts';
import { writeMigrations } from '../support/migration-dir.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const databases: TestDatabase[] = [];
afterEach(async () => {
  await Promise.all(databases.splice(0).map((db) => db.drop()));
});

async function setup(dir: string) {
  const db = await createTestDatabase();
  databases.push(db);
  const migrator = new Migrator({ pool: db.pool, dir, lockTimeoutMs: 2_000, statementTimeoutMs: 10_000 });
  return { db, migrator };
}

const twoTables = {
  '0001_people': { up: 'CREATE TABLE people (id int PRIMARY KEY, name text);', down: 'DROP TABLE people;' },
  '0002_pets': {
    up: 'CREATE TABLE pets (id int PRIMARY KEY, owner int REFERENCES people (id));\nCREATE INDEX pets_owner_idx ON pets (owner);',
    down: 'DROP TABLE pets;',
  },
  '0003_people_email': {
    up: 'ALTER TABLE people ADD COLUMN email text;',
    down: 'ALTER TABLE people DROP COLUMN email;',
  },
};

describe('Migrator', () => {
  it('plans, applies in order, records each migration, and then has nothing to do', async () => {
    const { db, migrator } = await setup(writeMigrations(twoTables));
    const plan = await migrator.plan('up');
    expect(plan.steps.map((s) => s.name)).toEqual(['0001_people', '0002_pets', '0003_people_email']);
    expect(plan.blockers).toEqual([]);
    // Planning changed nothing.
    expect((await db.pool.query(`SELECT to_regclass('people') AS t`)).rows[0]).toEqual({ t: null });

    const run = await migrator.up();
    expect(run.error).toBeUndefined();
    expect(run.results?.map((r) => [r.name, r.status])).toEqual([
      ['0001_people', 'success'],
      ['0002_pets', 'success'],
      ['0003_people_email', 'success'],
    ]);
    const { rows } = await db.pool.query<{ migration_name: string; checksum: string; applied_at: Date }>(
      'SELECT migration_name, checksum, applied_at FROM schema_migrations ORDER BY applied_at DESC;',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(['0003_people_email', '0002_pets', '0001_people']);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
    const recorded = await db.pool.query<{ execution_ms: number; applied_by: string }>(
      'SELECT execution_ms, applied_by FROM schema_migrations',
    );
    expect(recorded.rows.every((r) => r.execution_ms >= 0 && r.applied_by.includes('@'))).toBe(true);

    expect((await migrator.up()).results).toEqual([]);
    expect(await migrator.validate()).toEqual([]);
  });

  it('applies up to --to, and rolls back to a version with the downs', async () => {
    const { db, migrator } = await setup(writeMigrations(twoTables));
    expect((await migrator.up('2')).results?.map((r) => r.name)).toEqual(['0001_people', '0002_pets']);
    expect((await migrator.status()).map((s) => s.state)).toEqual(['applied', 'applied', 'pending']);
    await migrator.up();

    const down = await migrator.down('1');
    expect(down.results?.map((r) => [r.name, r.status])).toEqual([
      ['0003_people_email', 'success'],
      ['0002_pets', 'success'],
    ]);
    expect((await db.pool.query(`SELECT to_regclass('pets') AS t`)).rows[0]).toEqual({ t: null });
    expect((await migrator.status()).map((s) => s.state)).toEqual(['applied', 'pending', 'pending']);
    expect((await migrator.down('0')).results).toHaveLength(1);
  });

  it("returns an unknown target as the run's error, having run nothing", async () => {
    const { db, migrator } = await setup(writeMigrations(twoTables));
    const up = await migrator.up('7');
    expect(up.results).toBeUndefined();
    expect(up.error?.code).toBe('migration_target_unknown');
    expect(up.error?.message).toMatch(/no migration numbered 7 \(known: 0001, 0002, 0003\)/);
    const down = await migrator.down('x');
    expect(down).toMatchObject({ direction: 'down', error: { code: 'migration_target_invalid' } });
    expect(down.results).toBeUndefined();
    expect((await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0]).toEqual({
      n: 0,
    });
    // plan() answers a question: it still throws for a target it cannot plan to.
    await expect(migrator.plan('up', '7')).rejects.toThrow(/no migration numbered 7/);
    await expect(migrator.plan('down')).rejects.toThrow(/needs --to/);
  });

  it("returns a migration lock held past lockWaitMs as the run's error, having run nothing", async () => {
    const dir = writeMigrations(twoTables);
    const { db } = await setup(dir);
    const impatient = new Migrator({
      pool: db.pool,
      dir,
      lockTimeoutMs: 2_000,
      statementTimeoutMs: 10_000,
      lockWaitMs: 100,
    });
    const holder = await db.pool.connect();
    try {
      // Another migrating process: it holds the same advisory lock (key in migration-lock.ts).
      await holder.query(`SELECT pg_advisory_lock('7284391113004')`);
      const run = await impatient.up();
      expect(run.results).toBeUndefined();
      expect(run.error?.code).toBe('migration_lock_timeout');
      expect(run.error?.message).toBe('another migration held the migration lock for more than 100 ms');
      expect((await impatient.down('0')).error?.code).toBe('migration_lock_timeout');
    } finally {
      holder.release(true);
    }
    expect((await impatient.status()).map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
    expect((await impatient.up()).error).toBeUndefined();
  });

  it("returns a missing migrations directory as the run's error", async () => {
    const { db } = await setup(writeMigrations(twoTables));
    const nowhere = new Migrator({
      pool: db.pool,
      dir: '/nonexistent/hermes-migrations',
      lockTimeoutMs: 2_000,
      statementTimeoutMs: 10_000,
    });
    const run = await nowhere.up();
    expect(run.results).toBeUndefined();
    expect(run.error?.code).toBe('migrations_dir_missing');
  });

  it('reports a tampered applied file by name and refuses to migrate past it', async () => {
    const dir = writeMigrations(twoTables);
    const { migrator } = await setup(dir);
    await migrator.up('2');
    appendFileSync(join(dir, '0001_people.up.sql'), '\n-- edited after it was applied\n');

    expect(await migrator.validate()).toEqual([
      '0001_people: checksum mismatch (the applied up file was changed)',
      '0003_people_email: pending',
    ]);
    const run = await migrator.up();
    expect(run.error?.code).toBe('migration_blocked');
    expect(run.error?.details).toEqual(['0001_people: checksum mismatch (the applied up file was changed)']);
    expect(run.results?.map((r) => r.status)).toEqual(['not_executed']);
  });

  it('leaves no partial change when a migration fails, and names it with the SQL error', async () => {
    const { db, migrator } = await setup(
      writeMigrations({
        '0001_ok': { up: 'CREATE TABLE ok (x int);', down: 'DROP TABLE ok;' },
        '0002_broken': {
          up: 'CREATE TABLE half (x int);\nINSERT INTO half VALUES (1);\nSELECT * FROM no_such_table;',
          down: 'DROP TABLE half;',
        },
        '0003_never': { up: 'CREATE TABLE never (x int);', down: 'DROP TABLE never;' },
      }),
    );
    const before = await (async () => {
      await migrator.up('1');
      return takeSchemaSnapshot(db.pool);
    })();

    const run = await migrator.up();
    expect(run.results?.map((r) => [r.name, r.status])).toEqual([
      ['0002_broken', 'failed'],
      ['0003_never', 'not_executed'],
    ]);
    expect(run.error?.message).toMatch(
      /0002_broken \(up\) failed: relation "no_such_table" does not exist \(SQLSTATE 42P01, line 3\); rolled back/,
    );
    expect(await takeSchemaSnapshot(db.pool)).toEqual(before);
    expect((await migrator.status()).map((s) => s.state)).toEqual(['applied', 'pending', 'pending']);
  });

  it('reports a down that fails and keeps the migration applied', async () => {
    const { migrator } = await setup(
      writeMigrations({ '0001_t': { up: 'CREATE TABLE t (x int);', down: 'DROP TABLE not_t;' } }),
    );
    await migrator.up();
    const run = await migrator.down('0');
    expect(run.error?.message).toMatch(/0001_t \(down\) failed: table "not_t" does not exist/);
    expect((await migrator.status())[0]?.state).toBe('applied');
  });

  it('refuses to roll back a migration that has no down file', async () => {
    const { db, migrator } = await setup(writeMigrations({ '0001_t': { up: 'CREATE TABLE t (x int);' } }));
    await migrator.up();
    const run = await migrator.down('0');
    expect(run.error?.details).toEqual(['0001_t: no down migration']);
    expect(await migrator.validate()).toEqual(['0001_t: no down migration']);
    // Refused, so still applied: its record and its table are both there.
    expect((await migrator.status()).map((s) => s.state)).toEqual(['applied']);
    expect((await db.pool.query(`SELECT to_regclass('t')::text AS t`)).rows[0]).toEqual({ t: 't' });
  });

  it('runs a no-transaction migration statement by statement (CREATE INDEX CONCURRENTLY)', async () => {
    const { db, migrator } = await setup(
      writeMigrations({
        '0001_t': { up: 'CREATE TABLE t (x int);', down: 'DROP TABLE t;' },
        '0002_t_x_idx': {
          up: '-- hermes:no-transaction\nCREATE INDEX CONCURRENTLY t_x_idx ON t (x);\nCREATE INDEX CONCURRENTLY t_x2_idx ON t ((x * 2));\n',
          down: '-- hermes:no-transaction\nDROP INDEX CONCURRENTLY t_x2_idx;\nDROP INDEX CONCURRENTLY t_x_idx;\n',
        },
      }),
    );
    expect((await migrator.up()).error).toBeUndefined();
    const { rows } = await db.pool.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename = 't' ORDER BY 1`,
    );
    expect(rows.map((r) => r.indexname)).toEqual(['t_x2_idx', 't_x_idx']);
    expect((await migrator.down('1')).error).toBeUndefined();
  });

  it('gives up a lock it cannot get within lock_timeout instead of queueing behind traffic', async () => {
    const { db, migrator } = await setup(
      writeMigrations({
        '0001_t': { up: 'CREATE TABLE t (x int);', down: 'DROP TABLE t;' },
        '0002_t_y': { up: 'ALTER TABLE t ADD COLUMN y int;', down: 'ALTER TABLE t DROP COLUMN y;' },
      }),
    );
    await migrator.up('1');
    const blocker = await db.pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE t IN ACCESS SHARE MODE');
      const run = await migrator.up();
      expect(run.error?.message).toMatch(/0002_t_y \(up\) failed: .*lock timeout.*SQLSTATE 55P03/);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect((await migrator.status()).map((s) => s.state)).toEqual(['applied', 'pending']);
  });
});
