import { describe, expect, it } from 'vitest';
import type { MigrationFile } from '../../src/migrations/migration-file.ts';
import { computeStatus, statusProblems } from '../../src/migrations/migration-status.ts';
import type { AppliedMigration } from '../../src/migrations/schema-migrations-table.ts';

function file(version: string, checksum = `sum${version}`, down = true): MigrationFile {
  return {
    version,
    name: `${version}_m`,
    upPath: `/m/${version}_m.up.sql`,
    upSql: '',
    downPath: down ? `/m/${version}_m.down.sql` : null,
    downSql: down ? '' : null,
    checksum,
    transactional: true,
    breaking: false,
  };
}

function applied(version: string, checksum = `sum${version}`): AppliedMigration {
  return {
    version,
    migration_name: `${version}_m`,
    checksum,
    applied_at: new Date(0),
    execution_ms: 1,
    applied_by: 't',
  };
}

describe('computeStatus', () => {
  it('tells applied, pending, mismatched, missing and unknown migrations apart', () => {
    const status = computeStatus(
      [file('0001'), file('0002', 'changed'), file('0004'), file('0005', 'sum0005', false)],
      [applied('0001'), applied('0002'), applied('0003'), applied('0009')],
    );
    expect(status.map((s) => [s.version, s.state])).toEqual([
      ['0001', 'applied'],
      ['0002', 'checksum_mismatch'],
      ['0003', 'missing_file'],
      ['0004', 'pending'],
      ['0005', 'pending'],
      ['0009', 'unknown_applied'],
    ]);
    expect(status.find((s) => s.version === '0004')?.outOfOrder).toBe(true);
    expect(statusProblems(status)).toEqual([
      '0002_m: checksum mismatch (the applied up file was changed)',
      '0003_m: applied, but its file is missing',
      '0004_m: pending (out of order)',
      '0005_m: pending (out of order)',
      '0005_m: no down migration',
      '0009_m: applied, but unknown to this code (the database is ahead)',
    ]);
  });

  it('has no problems when everything is applied as written', () => {
    expect(
      statusProblems(computeStatus([file('0001'), file('0002')], [applied('0001'), applied('0002')])),
    ).toEqual([]);
  });
});
