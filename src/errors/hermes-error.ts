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

/** What `catchCode` gives back: the work's value, or the expected error it raised. */
export type Caught<T, C extends HermesCode> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: HermesError & { readonly code: C } };

/**
 * Runs `work`; a HermesError with `code` (an outcome the caller handles) is returned instead of
 * thrown, and anything else (a bug) is thrown on.
 */
export function catchCode<T, C extends HermesCode>(code: C, work: () => T): Caught<T, C> {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    if (hasCode(error, code)) return { ok: false, error };
    throw error;
  }
}
