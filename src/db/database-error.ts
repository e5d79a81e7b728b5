import { HermesError, type HermesCode } from '../errors/hermes-error.ts';

/**
 * The database failures Hermes reacts to, by SQLSTATE class or code
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html):
 *
 * | kind                  | SQLSTATE                       | what callers do                         |
 * | --------------------- | ------------------------------ | --------------------------------------- |
 * | unique_violation      | 23505                          | report a duplicate (idempotency, ids)   |
 * | foreign_key_violation | 23503                          | report the missing parent               |
 * | not_null_violation    | 23502                          | a bug: a required column was not set    |
 * | check_violation       | 23514                          | the row broke a declared rule           |
 * | lock_timeout          | 55P03                          | retry later; a migration gave up a lock |
 * | statement_timeout     | 57014                          | the statement ran too long              |
 * | serialization_failure | 40001, 40P01                   | retry the transaction                   |
 * | connection_failure    | class 08, 57P01-57P03, 53300, ECONNREFUSED/ECONNRESET/ETIMEDOUT, pg's query read timeout (not an HTTP client's `aborted` ECONNRESET) | 503 + Retry-After |
 * | unavailable           | class 53 (but 53300), class 58, 25006, 57P04 | 503 + Retry-After: out of resources, I/O error, read-only after a failover, database dropped |
 * | undefined_object      | 42P01, 42703, 3D000            | schema not migrated or wrong database: a bug, 500 |
 * | auth_failure          | 28000, 28P01                   | wrong credentials: exit 2               |
 * | other                 | anything else                  | propagate                               |
 */
export type DatabaseErrorKind =
  | 'unique_violation'
  | 'foreign_key_violation'
  | 'not_null_violation'
  | 'check_violation'
  | 'lock_timeout'
  | 'statement_timeout'
  | 'serialization_failure'
  | 'connection_failure'
  | 'unavailable'
  | 'undefined_object'
  | 'auth_failure'
  | 'other';

const byCode: Readonly<Record<string, DatabaseErrorKind>> = {
  '23505': 'unique_violation',
  '23503': 'foreign_key_violation',
  '23502': 'not_null_violation',
  '23514': 'check_violation',
  '55P03': 'lock_timeout',
  '57014': 'statement_timeout',
  '40001': 'serialization_failure',
  '40P01': 'serialization_failure',
  '57P01': 'connection_failure',
  '57P02': 'connection_failure',
  '57P03': 'connection_failure',
  '53300': 'connection_failure',
  '25006': 'unavailable',
  '57P04': 'unavailable',
  '42P01': 'undefined_object',
  '42703': 'undefined_object',
  '3D000': 'undefined_object',
  '28000': 'auth_failure',
  '28P01': 'auth_failure',
};

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EAI_AGAIN',
]);
// pg's `query_timeout` ("Query read timeout") means the server stopped answering: a dead network.
const connectionMessages =
  /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Query read timeout/i;

/** The `code` of a driver's or Node's error, when it has a string one. */
export function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object' || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Node's error for an incoming HTTP request whose client hung up mid-body (`aborted`, code
 * ECONNRESET): not the database, whatever its code says. No driver error reads `aborted`.
 */
export function isIncomingRequestAbort(error: unknown): boolean {
  return errorCode(error) === 'ECONNRESET' && error instanceof Error && error.message === 'aborted';
}

export function classifyDatabaseError(error: unknown): DatabaseErrorKind {
  const code = errorCode(error);
  if (isIncomingRequestAbort(error)) return 'other';
  if (code !== undefined) {
    const known = byCode[code];
    if (known) return known;
    if (code.startsWith('08') || networkCodes.has(code)) return 'connection_failure';
    if (code.startsWith('53') || code.startsWith('58')) return 'unavailable';
  }
  if (
    error instanceof AggregateError &&
    error.errors.some((e) => classifyDatabaseError(e) === 'connection_failure')
  ) {
    return 'connection_failure';
  }
  if (error instanceof Error && connectionMessages.test(error.message)) return 'connection_failure';
  return 'other';
}

/** Each kind's catalogue code, spelt out so that the catalogue test finds every one in the source. */
const codeOfKind: Readonly<Record<DatabaseErrorKind, HermesCode>> = {
  unique_violation: 'db_unique_violation',
  foreign_key_violation: 'db_foreign_key_violation',
  not_null_violation: 'db_not_null_violation',
  check_violation: 'db_check_violation',
  lock_timeout: 'db_lock_timeout',
  statement_timeout: 'db_statement_timeout',
  serialization_failure: 'db_serialization_failure',
  connection_failure: 'db_connection_failure',
  unavailable: 'db_unavailable',
  undefined_object: 'db_undefined_object',
  auth_failure: 'db_auth_failure',
  other: 'db_other',
};

/** A driver error with its kind; the message never contains query parameters. */
export class DatabaseError extends HermesError {
  readonly kind: DatabaseErrorKind;
  readonly sqlstate: string | undefined;
  readonly constraint: string | undefined;

  constructor(kind: DatabaseErrorKind, message: string, cause: unknown) {
    super(codeOfKind[kind], message, { cause });
    this.kind = kind;
    this.sqlstate = errorCode(cause);
    const constraint =
      cause !== null && typeof cause === 'object' && 'constraint' in cause ? cause.constraint : undefined;
    this.constraint = typeof constraint === 'string' ? constraint : undefined;
  }
}

export function toDatabaseError(error: unknown, context = 'database'): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const kind = classifyDatabaseError(error);
  const reason = error instanceof Error ? error.message || errorCode(error) || error.name : String(error);
  return new DatabaseError(kind, `${context}: ${reason}`, error);
}

export function isConnectionFailure(error: unknown): boolean {
  return error instanceof DatabaseError
    ? error.kind === 'connection_failure'
    : classifyDatabaseError(error) === 'connection_failure';
}
