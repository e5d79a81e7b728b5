import { describe, expect, it } from 'vitest';
import {
  classifyDatabaseError,
  DatabaseError,
  isConnectionFailure,
  toDatabaseError,
} from '../../src/db/database-error.ts';

// How a driver's error becomes the DatabaseError that routes and gates judge: the kind decides
// 503 against 500, the message must say something even when the driver's says nothing.

const withCode = (code: string, message = 'boom'): Error => Object.assign(new Error(message), { code });

describe('classifyDatabaseError on errors that carry several', () => {
  it('takes an AggregateError (every address of a host refused) for a connection failure when one inside is', () => {
    const everyAddress = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], '');
    expect(classifyDatabaseError(everyAddress)).toBe('connection_failure');
    expect(isConnectionFailure(everyAddress)).toBe(true);
    expect(classifyDatabaseError(new AggregateError([withCode('22P02')], ''))).toBe('other');
  });
});

describe('toDatabaseError', () => {
  it('passes a DatabaseError through as it is, with its context', () => {
    const first = toDatabaseError(withCode('57014', 'canceling statement'), 'claim');
    expect(toDatabaseError(first, 'send')).toBe(first);
  });

  it('says something when the driver says nothing: the code, else the error name, else the value', () => {
    expect(toDatabaseError(withCode('ECONNREFUSED', ''), 'connect').message).toBe('connect: ECONNREFUSED');
    expect(toDatabaseError(new TypeError(''), 'connect').message).toBe('connect: TypeError');
    expect(toDatabaseError('socket closed').message).toBe('database: socket closed');
  });

  it('keeps no constraint that is not a name, and no SQLSTATE a value does not have', () => {
    const error = toDatabaseError(Object.assign(withCode('23505'), { constraint: 42 }));
    expect(error.constraint).toBeUndefined();
    expect(error.sqlstate).toBe('23505');
    expect(toDatabaseError(null).sqlstate).toBeUndefined();
    expect(toDatabaseError(Object.assign(new Error('x'), { code: 8006 })).sqlstate).toBeUndefined();
  });
});

describe('isConnectionFailure', () => {
  it('judges a DatabaseError by its kind, whatever its cause says', () => {
    const wrapped = new DatabaseError('other', 'database: ECONNREFUSED', withCode('ECONNREFUSED'));
    expect(isConnectionFailure(wrapped)).toBe(false);
    expect(isConnectionFailure(toDatabaseError(withCode('08006')))).toBe(true);
  });
});
