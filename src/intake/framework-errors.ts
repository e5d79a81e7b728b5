import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { markTimedOut } from './client-closed.ts';
import { badRequest, headersTooLarge, internalError, requestTimedOut } from './edge-problems.ts';
import { routerErrorProblem } from './fastify-error-problem.ts';

/**
 * Fastify's `frameworkErrors`: the router's own refusals, answered in the uniform error body
 * (see routerErrorProblem). No onResponse hook runs for these, so the answer is logged and
 * counted here.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const problem = routerErrorProblem(error) ?? internalError(request.id);
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
