import { renameSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/migrations/migration-error.ts';
import { checksumOf, loadMigrationFiles } from '../../src/migrations/migration-file.ts';
import { migrationsDir } from '../support/test-database.ts';
import { writeMigrations } from '../support/migration-dir.ts';

describe('loadMigrationFiles', () => {
  it('reads ups and downs in version order with checksums and markers', () => {
    const dir = writeMigrations({
      '0002_second': {
        up: '-- hermes:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (x);',
        down: 'DROP INDEX i;',
      },
      '0001_first': { up: 'CREATE TABLE t (x int);', down: 'DROP TABLE t;' },
      '0010_breaking': { up: '-- hermes:breaking\nALTER TABLE t DROP COLUMN x;' },
    });
    const files = loadMigrationFiles(dir);
    expect(files.map((f) => f.name)).toEqual(['0001_first', '0002_second', '0010_breaking']);
    expect(files[0]?.checksum).toBe(checksumOf('CREATE TABLE t (x int);'));
    expect(files.map((f) => f.transactional)).toEqual([true, false, true]);
    expect(files.map((f) => f.breaking)).toEqual([false, false, true]);
    expect(files[2]?.downSql).toBeNull();
  });

  it('names stray files, duplicate versions and downs without ups', () => {
    const dir = writeMigrations({
      '0001_a': { up: 'SELECT 1;' },
      '0001_b': { up: 'SELECT 2;' },
      '1_short': { up: 'SELECT 3;' },
      '0003_orphan_down': { up: 'SELECT 4;' },
    });
    // Turn 0003 into a down without its up.
    renameSync(`${dir}/0003_orphan_down.up.sql`, `${dir}/0003_orphan_down.down.sql`);
    let error: unknown;
    try {
      loadMigrationFiles(dir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MigrationError);
    const details = (error as MigrationError).details.join('\n');
    expect(details).toMatch(/0001_b\.up\.sql: a second up migration numbered 0001/);
    expect(details).toMatch(/1_short\.up\.sql: expected NNNN_name\.up\.sql/);
    expect(details).toMatch(/0003_orphan_down\.down\.sql: a down migration without its up/);
  });

  it('finds every project migration with a down', () => {
    const files = loadMigrationFiles(migrationsDir);
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.filter((f) => f.downSql === null).map((f) => f.name)).toEqual([]);
  });
});
