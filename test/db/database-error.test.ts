import { describe, expect, it } from 'vitest';
import { classifyDatabaseError, isConnectionFailure, toDatabaseError } from '../../src/db/database-error.ts';

function pgError(code: string, message = 'boom'): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyDatabaseError', () => {
  it.each([
    ['23505', 'unique_violation'],
    ['23503', 'foreign_key_violation'],
    ['55P03', 'lock_timeout'],
    ['57014', 'statement_timeout'],
    ['40001', 'serialization_failure'],
    ['08006', 'connection_failure'],
    ['57P01', 'connection_failure'],
    ['ECONNREFUSED', 'connection_failure'],
    ['28P01', 'auth_failure'],
    ['53300', 'connection_failure'],
    ['53100', 'unavailable'],
    ['53200', 'unavailable'],
    ['58030', 'unavailable'],
    ['25006', 'unavailable'],
    ['57P04', 'unavailable'],
    ['42P01', 'undefined_object'],
    ['22P02', 'other'],
  ])('maps %s to %s', (code, kind) => {
    expect(classifyDatabaseError(pgError(code))).toBe(kind);
  });

  it('recognises pg-pool connection messages without a code', () => {
    expect(classifyDatabaseError(new Error('timeout exceeded when trying to connect'))).toBe(
      'connection_failure',
    );
    expect(classifyDatabaseError(new Error('Connection terminated unexpectedly'))).toBe('connection_failure');
    // pg's client-side query_timeout: the server stopped answering.
    expect(classifyDatabaseError(new Error('Query read timeout'))).toBe('connection_failure');
  });

  it('wraps with a stable code, the SQLSTATE and the constraint', () => {
    const error = toDatabaseError(
      Object.assign(pgError('23505', 'duplicate key'), { constraint: 'hermes_leads_lead_id_key' }),
      'insert lead',
    );
    expect(error.code).toBe('db_unique_violation');
    expect(error.sqlstate).toBe('23505');
    expect(error.constraint).toBe('hermes_leads_lead_id_key');
    expect(error.message).toBe('insert lead: duplicate key');
  });
});

describe('an HTTP client that hangs up', () => {
  it('is not a database connection failure, though Node gives it ECONNRESET', () => {
    // What a request body stream fails with when its client disconnects mid-upload.
    const aborted = pgError('ECONNRESET', 'aborted');
    expect(classifyDatabaseError(aborted)).toBe('other');
    expect(isConnectionFailure(aborted)).toBe(false);
    // A reset from the database server still is one.
    expect(classifyDatabaseError(pgError('ECONNRESET', 'read ECONNRESET'))).toBe('connection_failure');
  });
});
