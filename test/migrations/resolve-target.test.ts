import { describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/migrations/migration-error.ts';
import type { MigrationFile } from '../../src/migrations/migration-file.ts';
import { resolveTarget } from '../../src/migrations/migrator.ts';

const files = ['0001', '0002', '0010'].map((version) => ({ version }) as MigrationFile);

describe('resolveTarget: what --to names, or the error a run returns', () => {
  it.each([
    ['1', false, '0001'],
    ['0010', false, '0010'],
    ['10', true, '0010'],
    ['0', true, '0'],
  ])('%j (zero allowed: %j) is %j', (to, allowZero, version) => {
    expect(resolveTarget(to, files, allowZero)).toBe(version);
  });

  it.each([
    ['7', true, 'migration_target_unknown', '--to: no migration numbered 7 (known: 0001, 0002, 0010)'],
    ['0', false, 'migration_target_unknown', '--to: no migration numbered 0 (known: 0001, 0002, 0010)'],
    ['x', true, 'migration_target_invalid', '--to: expected a version number, got "x"'],
    ['-1', true, 'migration_target_invalid', '--to: expected a version number, got "-1"'],
  ])('%j (zero allowed: %j) is %s, returned, not thrown', (to, allowZero, code, message) => {
    const error = resolveTarget(to, files, allowZero);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ code, message });
  });

  it('names "none" when there are no files', () => {
    expect(resolveTarget('1', [], false)).toMatchObject({
      message: '--to: no migration numbered 1 (known: none)',
    });
  });
});
