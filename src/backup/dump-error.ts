/**
 * Why no backup was made. `no-pg-dump`: no pg_dump of the server's major version here;
 * `failed`: pg_dump ran and exited non-zero; `stopped`: the caller's signal ended it.
 * Nothing with a backup's name is left behind in any of these cases.
 */
export type DumpFailure = 'no-pg-dump' | 'failed' | 'stopped';

export class DumpError extends Error {
  readonly failure: DumpFailure;
  /** The tail of what pg_dump printed (credentials masked); empty when it did not run. */
  readonly output: string;

  constructor(failure: DumpFailure, message: string, output = '') {
    super(message);
    this.name = 'DumpError';
    this.failure = failure;
    this.output = output;
  }
}

export function isDumpError(error: unknown): error is DumpError {
  return error instanceof DumpError;
}
