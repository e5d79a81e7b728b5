import { DatabaseError, isConnectionFailure } from '../db/database-error.ts';
import { isClientAbort } from './client-closed.ts';

// The failures a retry may get past: answered 503 with Retry-After, not 500.
const transientKinds: ReadonlySet<string> = new Set([
  'connection_failure',
  'unavailable',
  'statement_timeout',
  'lock_timeout',
  'serialization_failure',
]);

/**
 * The database failed in a way that may pass (unreachable, overloaded, a timeout, a lost
 * serialization conflict). Not a client that hung up, which also reads as ECONNRESET.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isClientAbort(error)) return false;
  return isConnectionFailure(error) || (error instanceof DatabaseError && transientKinds.has(error.kind));
}
