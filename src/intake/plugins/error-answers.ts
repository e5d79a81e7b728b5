import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseError } from '../../db/database-error.ts';
import { isHermesError } from '../../errors/hermes-error.ts';
import type { ServiceMetrics } from '../../observability/service-metrics.ts';
import { isClientAbort, wasTimedOut } from '../client-closed.ts';
import { isDatabaseUnavailable } from '../database-unavailable.ts';
import {
  clientClosedRequest,
  databaseUnavailable,
  internalError,
  notFound,
  requestTimedOut,
} from '../edge-problems.ts';
import { fastifyErrorProblem, isFastifyError } from '../fastify-error-problem.ts';
import { hermesErrorProblem } from '../hermes-error-problem.ts';
import { HttpProblem } from '../http-problem.ts';

export interface ErrorAnswersOptions {
  bodyLimitBytes: number;
  unavailableRetryAfterS: number;
  metrics: ServiceMetrics;
}

/**
 * The one HTTP edge where errors become answers; each status comes from the error catalogue
 * (src/errors/codes.ts). Each answer says what is wrong in a fixed sentence (never the parser's
 * message, which quotes the body); 5xx answers carry the request id.
 */
export function toProblem(error: unknown, options: ErrorAnswersOptions, requestId: string): HttpProblem {
  if (error instanceof HttpProblem) return error;
  // Before the database's classes: a client that hung up also reads as ECONNRESET.
  if (isClientAbort(error)) return clientClosedRequest();
  if (isDatabaseUnavailable(error)) {
    return databaseUnavailable(options.unavailableRetryAfterS);
  }
  const problem =
    (isHermesError(error) ? hermesErrorProblem(error) : undefined) ??
    (isFastifyError(error) ? fastifyErrorProblem(error, options.bodyLimitBytes) : undefined);
  return problem ?? internalError(requestId);
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
    app.setNotFoundHandler((request, reply) => {
      const problem = notFound(`no route ${request.method} ${request.url.split('?')[0] ?? ''}`);
      return reply.code(problem.statusCode).send(problem.body());
    });
    done();
  },
  { name: 'hermes-error-answers' },
);
