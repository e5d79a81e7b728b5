import type { HermesError } from '../errors/hermes-error.ts';
import { HttpProblem, isHttpCode, type HttpCode } from './http-problem.ts';

/** How an operation's HermesError reads in an answer, where it differs from its own code and details. */
interface AnswerShape {
  /** The code the answer carries (default: the error's own). */
  readonly answerCode?: HttpCode;
  /** The body key its details are listed under (default `details`). */
  readonly detailsAs?: string;
}

// The one table of these shapes; the status is always the answer code's, from the catalogue.
const shapes: Partial<Record<HttpCode, AnswerShape>> = {
  // An operation's bad argument is the request's: answered as every other request that is not valid.
  invalid_argument: { answerCode: 'validation_failed' },
  // Its details are the lead ids that have no delivery.
  delivery_not_found: { detailsAs: 'lead_ids' },
};

/**
 * The answer to a HermesError thrown by an operation below the routes (a replay, a lookup), when
 * its code is one an answer can carry; undefined for the others (they are the service's fault).
 */
export function hermesErrorProblem(error: HermesError): HttpProblem | undefined {
  if (error instanceof HttpProblem) return error;
  const { code } = error;
  if (!isHttpCode(code)) return undefined;
  const shape = shapes[code] ?? {};
  return new HttpProblem(shape.answerCode ?? code, error.message, {
    extra: { [shape.detailsAs ?? 'details']: error.details },
    cause: error,
  });
}
