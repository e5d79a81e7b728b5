import { HermesError } from '../errors/hermes-error.ts';

/** An answer other than success, as JSON: `{"error": {"code", "message", ...extra}}`. */
export class HttpProblem extends HermesError {
  readonly statusCode: number;
  readonly retryAfterS: number | undefined;
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { retryAfterS?: number; extra?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.statusCode = statusCode;
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
