import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { markTimedOut } from './client-closed.ts';
import { badRequest, badUrl, headersTooLarge, requestTimedOut, uriTooLong } from './edge-problems.ts';
import { HttpProblem } from './http-problem.ts';

/** Route parameters longer than this are refused by the router with 414 (ids here are ~20). */
export const maxParamLength = 100;

/**
 * Fastify's `frameworkErrors`: the router's own refusals (a malformed %-escape, a too-long
 * parameter), answered in the uniform error body instead of Fastify's, which quotes the URL.
 * No onResponse hook runs for these, so the answer is logged and counted here.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  let problem: HttpProblem;
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    problem = uriTooLong(`a part of the URL is longer than ${maxParamLength} characters`);
  } else if (error.code === 'FST_ERR_BAD_URL') {
    problem = badUrl();
  } else {
    problem = new HttpProblem(500, 'internal_error', `an unexpected error occurred (request ${request.id})`);
  }
  void reply.code(problem.statusCode).send(problem.body());
  if (request.server.hasDecorator('observeAnswer')) request.server.observeAnswer(request, reply);
}

interface ServerSocket extends Socket {
  // The response in flight on this connection, if any (set by Node's HTTP server).
  _httpMessage?: { headersSent?: boolean } | null;
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before there is a request
 * (bad request line or headers, headers too large) and requests cut off by
 * server.requestTimeoutMs. Answered in the uniform error body, then the connection is closed.
 */
export function answerClientError(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') markTimedOut(socket);
  // A reset connection has no one left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? requestTimedOut()
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? headersTooLarge()
        : badRequest();
  // As Node does: answer only if no answer has started on this connection, or it would be corrupted.
  const inFlight = (socket as ServerSocket)._httpMessage;
  if (socket.writable && inFlight?.headersSent !== true) {
    const body = JSON.stringify(problem.body());
    socket.write(
      `HTTP/1.1 ${problem.statusCode} ${STATUS_CODES[problem.statusCode] ?? ''}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}
