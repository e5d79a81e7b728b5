import type { FastifyError } from 'fastify';
import {
  badUrl,
  bodyTooLarge,
  headersTooLarge,
  requestTimedOut,
  unsupportedMediaType,
  uriTooLong,
} from './edge-problems.ts';
import { HttpProblem } from './http-problem.ts';

/** Route parameters longer than this are refused by the router with 414 (ids here are ~20). */
export const maxParamLength = 100;

export function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/**
 * Fastify's other client errors, by their status, each as its own code (a status has one code):
 * FST_ERR_CTP_BODY_TOO_LARGE is the 413, FST_ERR_CTP_INVALID_MEDIA_TYPE the 415.
 */
function clientErrorProblem(statusCode: number | undefined, bodyLimitBytes: number): HttpProblem | undefined {
  switch (statusCode) {
    case 408:
      return requestTimedOut();
    case 413:
      return bodyTooLarge(bodyLimitBytes);
    case 415:
      return unsupportedMediaType();
    case 431:
      return headersTooLarge();
    default:
      return undefined;
  }
}

/**
 * The answer to an error Fastify raised while reading a request (mostly its body parsers): a fixed
 * sentence, never the parser's message, which quotes the body. Undefined for other errors.
 */
export function fastifyErrorProblem(error: FastifyError, bodyLimitBytes: number): HttpProblem | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpProblem('invalid_body', 'the Content-Length does not match the body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem('invalid_body', 'the body is empty; expected a JSON object');
    default:
      break;
  }
  if (error.statusCode === 400) return new HttpProblem('invalid_body', 'the body is not valid JSON');
  return clientErrorProblem(error.statusCode, bodyLimitBytes);
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
