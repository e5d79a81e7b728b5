import type { Socket } from 'node:net';
import { errorCode, isIncomingRequestAbort } from '../db/database-error.ts';

// Connections the server cut because the request took longer than server.requestTimeoutMs. Their
// request then fails like a client abort; this tells the two apart (408, not 499).
const timedOut = new WeakSet<Socket>();

export function markTimedOut(socket: Socket): void {
  timedOut.add(socket);
}

export function wasTimedOut(socket: Socket | null | undefined): boolean {
  return socket !== null && socket !== undefined && timedOut.has(socket);
}

/**
 * The error a request's body stream fails with when its connection closes before the body is
 * complete: Node's `aborted` (code ECONNRESET), or a stream closed early. A client went away (or
 * the server cut it off); neither the database nor the service failed.
 */
export function isClientAbort(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE' || isIncomingRequestAbort(error);
}

/** The status recorded for a request whose connection closed before its answer, as nginx does. */
export function closedRequestStatus(socket: Socket | null | undefined): 408 | 499 {
  return wasTimedOut(socket) ? 408 : 499;
}
