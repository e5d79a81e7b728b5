import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { DatabaseError, toDatabaseError } from '../../src/db/database-error.ts';
import { codes, hermesCodes } from '../../src/errors/codes.ts';
import { HermesError, catchCode, hasCode, isHermesError } from '../../src/errors/hermes-error.ts';
import { MigrationError } from '../../src/migrations/migration-error.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

describe('HermesError', () => {
  it('takes its exit code from the catalogue', () => {
    for (const code of hermesCodes)
      expect(new HermesError(code, 'm').exitCode, code).toBe(codes[code].exitCode);
    expect(new HermesError('lead_not_found', 'no lead').exitCode).toBe(1);
    expect(new HermesError('config_invalid', 'bad').exitCode).toBe(2);
  });

  it('keeps its message, details, cause and class name', () => {
    const cause = new Error('underneath');
    const error = new MigrationError('migration_failed', 'it broke', { cause, details: ['line 1'] });
    expect(error).toBeInstanceOf(HermesError);
    expect(error.name).toBe('MigrationError');
    expect(error.message).toBe('it broke');
    expect(error.details).toEqual(['line 1']);
    expect(error.cause).toBe(cause);
    expect(error.exitCode).toBe(1);
    expect(new HermesError('gates_invalid', 'x').cause).toBeUndefined();
  });

  it('subclasses carry their own codes and exit codes', () => {
    expect(new ConfigError('bad', ['a: b'])).toMatchObject({
      code: 'config_invalid',
      exitCode: 2,
      details: ['a: b'],
    });
    expect(new UsageError('bad')).toMatchObject({ code: 'usage_invalid', exitCode: 2 });
    expect(new MigrationError('migrations_dir_missing', 'gone').exitCode).toBe(1);
  });

  it('gives each database kind its catalogue code', () => {
    const refused = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(toDatabaseError(refused)).toMatchObject({ code: 'db_unique_violation', exitCode: 2 });
    const down = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toDatabaseError(down).code).toBe('db_connection_failure');
    expect(new DatabaseError('other', 'x', undefined).code).toBe('db_other');
  });
});

describe('hasCode', () => {
  it('is true only for a HermesError with that code', () => {
    const error: unknown = new HermesError('delivery_not_found', 'none');
    expect(hasCode(error, 'delivery_not_found')).toBe(true);
    expect(hasCode(error, 'lead_not_found')).toBe(false);
    expect(hasCode(Object.assign(new Error('x'), { code: 'delivery_not_found' }), 'delivery_not_found')).toBe(
      false,
    );
    expect(hasCode(undefined, 'delivery_not_found')).toBe(false);
    expect(isHermesError(error)).toBe(true);
    if (hasCode(error, 'delivery_not_found')) expect(error.details).toEqual([]);
  });
});

describe('catchCode', () => {
  it('returns the value, or the error with the expected code, and throws anything else on', () => {
    expect(catchCode('lead_not_found', () => 42)).toEqual({ ok: true, value: 42 });
    const expected = new HermesError('lead_not_found', 'no lead');
    expect(
      catchCode('lead_not_found', () => {
        throw expected;
      }),
    ).toEqual({ ok: false, error: expected });
    const other = new HermesError('config_invalid', 'bad');
    expect(() =>
      catchCode('lead_not_found', () => {
        throw other;
      }),
    ).toThrow(other);
    const bug = new TypeError('a bug');
    expect(() =>
      catchCode('lead_not_found', () => {
        throw bug;
      }),
    ).toThrow(bug);
  });
});
