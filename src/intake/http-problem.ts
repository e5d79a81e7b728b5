import { codes, httpStatusOf, type HermesCode } from '../errors/codes.ts';
import { HermesError } from '../errors/hermes-error.ts';

/** The codes an HTTP answer can carry: those the catalogue gives a status. */
export type HttpCode = {
  [C in HermesCode]: (typeof codes)[C] extends { readonly httpStatus: number } ? C : never;
}[HermesCode];

export function isHttpCode(code: HermesCode): code is HttpCode {
  return httpStatusOf(code) !== undefined;
}

export interface HttpProblemOptions {
  retryAfterS?: number;
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An answer other than success, as JSON: `{"error": {"code", "message", ...extra}}`. Its status is
 * always its code's, from the catalogue, so a code means one status.
 */
export class HttpProblem extends HermesError {
  readonly statusCode: number;
  readonly retryAfterS: number | undefined;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(code: HttpCode, message: string, options: HttpProblemOptions = {}) {
    super(code, message, { cause: options.cause });
    this.statusCode = codes[code].httpStatus;
    this.retryAfterS = options.retryAfterS;
    this.extra = options.extra ?? {};
  }

  body(): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.retryAfterS === undefined ? {} : { retry_after_s: this.retryAfterS }),
        ...this.extra,
      },
    };
  }
}
