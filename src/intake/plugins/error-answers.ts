import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseError, isConnectionFailure } from '../../db/database-error.ts';
import type { ServiceMetrics } from '../../observability/service-metrics.ts';
import { isClientAbort, wasTimedOut } from '../client-closed.ts';
import { clientClosedRequest, requestTimedOut } from '../edge-problems.ts';
import { HttpProblem } from '../http-problem.ts';

export interface ErrorAnswersOptions {
  bodyLimitBytes: number;
  unavailableRetryAfterS: number;
  metrics: ServiceMetrics;
}

const transientKinds = new Set([
  'connection_failure',
  'unavailable',
  'statement_timeout',
  'lock_timeout',
  'serialization_failure',
]);

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && typeof (error as Partial<FastifyError>).code === 'string';
}

/**
 * The one HTTP edge where errors become answers. Each answer says what is wrong in a fixed
 * sentence (never the parser's message, which quotes the body); 5xx answers carry the request id.
 */
export function toProblem(error: unknown, options: ErrorAnswersOptions, requestId: string): HttpProblem {
  if (error instanceof HttpProblem) return error;
  // Before the database's classes: a client that hung up also reads as ECONNRESET.
  if (isClientAbort(error)) return clientClosedRequest();
  if (error instanceof DatabaseError || isConnectionFailure(error)) {
    if (isConnectionFailure(error) || (error instanceof DatabaseError && transientKinds.has(error.kind))) {
      return new HttpProblem(
        503,
        'database_unavailable',
        'the database is unavailable; the request may not have completed, retry later',
        {
          retryAfterS: options.unavailableRetryAfterS,
        },
      );
    }
  }
  if (isFastifyError(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new HttpProblem(
          413,
          'body_too_large',
          `the body is larger than ${options.bodyLimitBytes} bytes`,
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new HttpProblem(
          415,
          'unsupported_media_type',
          'send application/json or application/x-www-form-urlencoded',
        );
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return new HttpProblem(400, 'invalid_body', 'the Content-Length does not match the body');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return new HttpProblem(400, 'invalid_body', 'the body is empty; expected a JSON object');
      default:
        break;
    }
    if (error.statusCode === 400) return new HttpProblem(400, 'invalid_body', 'the body is not valid JSON');
    if (
      error.statusCode === 408 ||
      error.statusCode === 413 ||
      error.statusCode === 415 ||
      error.statusCode === 431
    ) {
      return new HttpProblem(error.statusCode, 'bad_request', error.message);
    }
  }
  return new HttpProblem(500, 'internal_error', `an unexpected error occurred (request ${requestId})`);
}

export const errorAnswers = fp(
  (app: FastifyInstance, options: ErrorAnswersOptions, done: (err?: Error) => void) => {
    app.setErrorHandler((error, request, reply) => {
      // A request cut off by server.requestTimeoutMs fails like one whose client hung up.
      const problem =
        isClientAbort(error) && wasTimedOut(request.raw.socket)
          ? requestTimedOut()
          : toProblem(error, options, request.id);
      if (error instanceof DatabaseError) options.metrics.databaseErrors.inc({ kind: error.kind });
      // The code and kind only: a driver error's detail can quote the row, and messages can quote input.
      const err = {
        type: error instanceof Error ? error.name : typeof error,
        code: error instanceof DatabaseError ? error.code : isFastifyError(error) ? error.code : undefined,
      };
      // Nobody is left to answer; it says something about the client, nothing about the service.
      if (problem.statusCode === 499 || problem.statusCode === 408) request.log.info({ err }, problem.code);
      else if (problem.statusCode >= 500) request.log.error({ err }, problem.code);
      if (problem.retryAfterS !== undefined) void reply.header('retry-after', String(problem.retryAfterS));
      return reply.code(problem.statusCode).send(problem.body());
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .code(404)
        .send(
          new HttpProblem(
            404,
            'not_found',
            `no route ${request.method} ${request.url.split('?')[0] ?? ''}`,
          ).body(),
        ),
    );
    done();
  },
  { name: 'hermes-error-answers' },
);
