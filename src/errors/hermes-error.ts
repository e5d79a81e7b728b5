/**
 * Every error Hermes raises on purpose. The CLI and the HTTP server each catch it at one edge
 * and turn `code` into a message, an exit code and (for HTTP) a status.
 */
export type ExitCode = 1 | 2;

export interface HermesErrorOptions {
  cause?: unknown;
  /** 1: a check failed; 2 (default): Hermes itself could not run. */
  exitCode?: ExitCode;
  /** Lines printed under the message (each problem on its own line). */
  details?: readonly string[];
}

export class HermesError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  readonly details: readonly string[];

  constructor(code: string, message: string, options: HermesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? 2;
    this.details = options.details ?? [];
  }
}

export function isHermesError(error: unknown): error is HermesError {
  return error instanceof HermesError;
}
