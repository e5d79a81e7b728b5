import { describe, expect, it } from 'vitest';
import { dataLossOfPlan } from '../../src/cli/commands/migrate/down-plan.ts';
import type { MigrationFile } from '../../src/migrations/migration-file.ts';
import { createTestDatabase } from '../support/test-database.ts';

function step(name: string, downSql: string | null): MigrationFile {
  return {
    version: name.slice(0, 4),
    name,
    upPath: `${name}.up.sql`,
    upSql: '',
    downPath: downSql === null ? null : `${name}.down.sql`,
    downSql,
    checksum: '',
    transactional: true,
    breaking: false,
  };
}

describe('dataLossOfPlan: the row counts a down plan shows', () => {
  it('gives each loss the rows of its table, null for a table it cannot count within 2 s, none for a step without a down', async () => {
    const db = await createTestDatabase();
    await db.pool.query('CREATE TABLE kept (x int); INSERT INTO kept SELECT generate_series(1, 5)');
    await db.pool.query('CREATE TABLE busy (x int); INSERT INTO busy VALUES (1)');
    // Another session holds busy exclusively: a count would wait for it, the plan must not.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE busy IN ACCESS EXCLUSIVE MODE');
      const started = Date.now();
      const losses = await dataLossOfPlan(db.pool, [
        step('0003_c', 'ALTER TABLE kept DROP COLUMN x;\nDROP TABLE busy;'),
        step('0002_b', null),
        step('0001_a', 'TRUNCATE kept;'),
      ]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(losses).toEqual([
        { migration: '0003_c', kind: 'drop column', table: 'kept', column: 'x', rows: 5 },
        { migration: '0003_c', kind: 'drop table', table: 'busy', rows: null },
        { migration: '0001_a', kind: 'truncate', table: 'kept', rows: 5 },
      ]);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
