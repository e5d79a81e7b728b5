import { codes, type ExitCode, type HermesCode } from './codes.ts';

export type { ExitCode, HermesCode } from './codes.ts';

/**
 * Every error Hermes raises on purpose. The CLI and the HTTP server each catch it at one edge
 * and turn `code` into a message, an exit code and (for HTTP) a status.
 */
export interface HermesErrorOptions {
  cause?: unknown;
  /** Lines printed under the message (each problem on its own line). */
  details?: readonly string[];
}

export class HermesError extends Error {
  readonly code: HermesCode;
  /** From the catalogue: a code has one exit code (a code that needs two is two codes). */
  readonly exitCode: ExitCode;
  readonly details: readonly string[];

  constructor(code: HermesCode, message: string, options: HermesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = codes[code].exitCode;
    this.details = options.details ?? [];
  }
}

export function isHermesError(error: unknown): error is HermesError {
  return error instanceof HermesError;
}

/** `error` is a HermesError with this code: the one way to compare codes, typed on the catalogue. */
export function hasCode<C extends HermesCode>(
  error: unknown,
  code: C,
): error is HermesError & { readonly code: C } {
  return error instanceof HermesError && error.code === code;
}
