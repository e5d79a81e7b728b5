import type { FastifyError } from 'fastify';
import { badUrl, uriTooLong } from './edge-problems.ts';
import { HttpProblem } from './http-problem.ts';

/** Route parameters longer than this are refused by the router with 414 (ids here are ~20). */
export const maxParamLength = 100;

export function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

// Fastify's own client errors that pass with their status: it says what is wrong, not the body.
const passedThrough: ReadonlySet<number> = new Set([408, 413, 415, 431]);

/**
 * The answer to an error Fastify raised while reading a request (mostly its body parsers): a fixed
 * sentence, never the parser's message, which quotes the body. Undefined for other errors.
 */
export function fastifyErrorProblem(error: FastifyError, bodyLimitBytes: number): HttpProblem | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem('body_too_large', `the body is larger than ${bodyLimitBytes} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(
        'unsupported_media_type',
        'send application/json or application/x-www-form-urlencoded',
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem('invalid_body', 'the Content-Length does not match the body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem('invalid_body', 'the body is empty; expected a JSON object');
    default:
      break;
  }
  if (error.statusCode === 400) return new HttpProblem('invalid_body', 'the body is not valid JSON');
  if (error.statusCode !== undefined && passedThrough.has(error.statusCode)) {
    return new HttpProblem('bad_request', error.message, { statusCode: error.statusCode });
  }
  return undefined;
}

/**
 * The answer to the router's own refusals (Fastify's `frameworkErrors`: a malformed %-escape, a
 * too-long parameter), in the uniform body instead of Fastify's, which quotes the URL.
 */
export function routerErrorProblem(error: FastifyError): HttpProblem | undefined {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return uriTooLong(`a part of the URL is longer than ${maxParamLength} characters`);
  }
  return error.code === 'FST_ERR_BAD_URL' ? badUrl() : undefined;
}
