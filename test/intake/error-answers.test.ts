import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../src/db/database-error.ts';
import { hermesCodes, httpStatusOf } from '../../src/errors/codes.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';
import { maxParamLength, routerErrorProblem } from '../../src/intake/fastify-error-problem.ts';
import { HttpProblem, isHttpCode } from '../../src/intake/http-problem.ts';
import { toProblem, type ErrorAnswersOptions } from '../../src/intake/plugins/error-answers.ts';

// toProblem reads no metrics; the plugin around it counts.
const options = { bodyLimitBytes: 1024, unavailableRetryAfterS: 7 } as ErrorAnswersOptions;
const answer = (error: unknown) => {
  const problem = toProblem(error, options, 'req-1');
  return { status: problem.statusCode, retryAfterS: problem.retryAfterS, ...problem.body() };
};

function fastifyError(code: string, statusCode: number, message = 'the framework says') {
  return Object.assign(new Error(message), { code, statusCode, name: 'FastifyError' });
}

describe('toProblem, the one HTTP edge', () => {
  it('answers a thrown HttpProblem as it is, with its code’s status from the catalogue', () => {
    const problem = new HttpProblem('lead_not_found', 'no lead HS-1');
    expect(toProblem(problem, options, 'req-1')).toBe(problem);
    expect(problem.statusCode).toBe(404);
  });

  it('answers an operation’s invalid_argument as an invalid request (400), with its details', () => {
    const error = new HermesError('invalid_argument', 'nothing to replay', { details: ['got "x"'] });
    expect(answer(error)).toEqual({
      status: 400,
      retryAfterS: undefined,
      error: { code: 'validation_failed', message: 'nothing to replay', details: ['got "x"'] },
    });
  });

  it('answers delivery_not_found with 404 and the lead ids that have none', () => {
    const error = new HermesError('delivery_not_found', 'no delivery for some lead ids', {
      details: ['HS-20250101-ZZZZZZ'],
    });
    expect(answer(error)).toMatchObject({
      status: 404,
      error: { code: 'delivery_not_found', lead_ids: ['HS-20250101-ZZZZZZ'] },
    });
  });

  it('answers a database that may come back with 503 and Retry-After, any other failure with 500', () => {
    const down = new DatabaseError('connection_failure', 'database: ECONNREFUSED', new Error('x'));
    expect(answer(down)).toMatchObject({
      status: 503,
      retryAfterS: 7,
      error: { code: 'database_unavailable' },
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(answer(refused).status).toBe(503);
    const duplicate = new DatabaseError('unique_violation', 'database: duplicate', new Error('x'));
    expect(answer(duplicate)).toEqual({
      status: 500,
      retryAfterS: undefined,
      error: { code: 'internal_error', message: 'an unexpected error occurred (request req-1)' },
    });
    expect(answer(new HermesError('form_token_secret_missing', 'no secret')).status).toBe(500);
    expect(answer(new Error('a bug')).status).toBe(500);
    expect(answer('not even an error').status).toBe(500);
  });

  it('answers a client that hung up with 499, even though it reads as a connection failure', () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNABORTED' });
    expect(answer(aborted)).toMatchObject({ status: 499, error: { code: 'client_closed_request' } });
  });

  it('answers the body parsers’ errors in fixed sentences, never their message', () => {
    expect(answer(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413))).toMatchObject({
      status: 413,
      error: { code: 'body_too_large', message: 'the body is larger than 1024 bytes' },
    });
    expect(answer(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415))).toMatchObject({
      status: 415,
      error: { code: 'unsupported_media_type' },
    });
    expect(answer(fastifyError('FST_ERR_CTP_EMPTY_JSON_BODY', 400)).error).toMatchObject({
      code: 'invalid_body',
      message: 'the body is empty; expected a JSON object',
    });
    const json = answer(fastifyError('FST_ERR_SOMETHING', 400, 'Unexpected token } in "secret"'));
    expect(json).toMatchObject({
      status: 400,
      error: { code: 'invalid_body', message: 'the body is not valid JSON' },
    });
    expect(answer(fastifyError('FST_ERR_OTHER', 418)).status).toBe(500);
  });

  // One code per status: the framework's other client errors get the code their status has.
  it.each([
    [408, 'request_timeout'],
    [413, 'body_too_large'],
    [415, 'unsupported_media_type'],
    [431, 'headers_too_large'],
  ] as const)('answers the framework’s other %i as %s, in a fixed sentence', (status, code) => {
    const problem = answer(fastifyError('FST_ERR_OTHER', status, 'quotes "secret"'));
    expect(problem).toMatchObject({ status, error: { code } });
    expect(httpStatusOf(code)).toBe(status);
    expect(JSON.stringify(problem)).not.toContain('secret');
  });
});

describe('routerErrorProblem', () => {
  it('answers the router’s own refusals without quoting the URL; nothing else', () => {
    const long = routerErrorProblem(
      fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414, '/api/admin/leads/xxxxxxxx'),
    );
    expect(long?.body()).toEqual({
      error: {
        code: 'uri_too_long',
        message: `a part of the URL is longer than ${maxParamLength} characters`,
      },
    });
    expect(long?.statusCode).toBe(414);
    expect(routerErrorProblem(fastifyError('FST_ERR_BAD_URL', 400))).toMatchObject({
      statusCode: 400,
      code: 'bad_url',
    });
    expect(routerErrorProblem(fastifyError('FST_ERR_OTHER', 400))).toBeUndefined();
  });
});

describe('HttpProblem', () => {
  it('takes its status from the catalogue for every code an answer can carry', () => {
    const httpCodes = hermesCodes.filter(isHttpCode);
    expect(httpCodes).toContain('validation_failed');
    for (const code of httpCodes) {
      expect(new HttpProblem(code, 'x').statusCode).toBe(httpStatusOf(code));
    }
    expect(isHttpCode('config_invalid')).toBe(false);
  });
});
