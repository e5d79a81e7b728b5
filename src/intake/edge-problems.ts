import { HttpProblem } from './http-problem.ts';

// The answers of the HTTP edge: fixed sentences, never the URL, a header or the body they refuse.

/** `detail` names what is missing; a URL in it is the path only, never the query. */
export function notFound(detail: string): HttpProblem {
  return new HttpProblem('not_found', detail);
}

export function uriTooLong(detail: string): HttpProblem {
  return new HttpProblem('uri_too_long', detail);
}

export function badUrl(): HttpProblem {
  return new HttpProblem('bad_url', 'the URL is not valid (a malformed %-escape?)');
}

export function badRequest(): HttpProblem {
  return new HttpProblem('bad_request', 'the request is not valid HTTP/1.1');
}

export function bodyTooLarge(bodyLimitBytes: number): HttpProblem {
  return new HttpProblem('body_too_large', `the body is larger than ${bodyLimitBytes} bytes`);
}

export function unsupportedMediaType(): HttpProblem {
  return new HttpProblem(
    'unsupported_media_type',
    'send application/json or application/x-www-form-urlencoded',
  );
}

export function headersTooLarge(): HttpProblem {
  return new HttpProblem('headers_too_large', 'the request line and headers are larger than accepted');
}

export function requestTimedOut(): HttpProblem {
  return new HttpProblem(
    'request_timeout',
    'the request was not complete within the time allowed; nothing was stored',
  );
}

export function clientClosedRequest(): HttpProblem {
  return new HttpProblem(
    'client_closed_request',
    'the client closed the connection before the request was complete; nothing was stored',
  );
}

/** 5xx answers carry the request id, which finds the log line with the details. */
export function internalError(requestId: string): HttpProblem {
  return new HttpProblem('internal_error', `an unexpected error occurred (request ${requestId})`);
}

export function databaseUnavailable(retryAfterS: number): HttpProblem {
  return new HttpProblem(
    'database_unavailable',
    'the database is unavailable; the request may not have completed, retry later',
    { retryAfterS },
  );
}

/** A 500 of a drill (HERMES_FAULTS), answered before the handler ran: nothing was stored. */
export function injectedFault(requestId: string): HttpProblem {
  return new HttpProblem(
    'fault_injected',
    `an injected fault (HERMES_FAULTS, a rollback drill); nothing was stored (request ${requestId})`,
  );
}
