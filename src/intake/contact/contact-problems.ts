import type { FieldError } from '../../leads/validate-lead.ts';
import { HttpProblem } from '../http-problem.ts';

// The refusals of `POST /api/contact`. Each says whether anything was stored.

export function tooManySubmissions(retryAfterS: number): HttpProblem {
  return new HttpProblem('rate_limited', 'too many submissions from this address; nothing was stored', {
    retryAfterS,
  });
}

export function fieldsNotValid(fields: readonly FieldError[]): HttpProblem {
  const count = fields.length;
  return new HttpProblem(
    'validation_failed',
    `${count} field${count > 1 ? 's are' : ' is'} not valid; nothing was stored`,
    { extra: { fields } },
  );
}

export type ResendCode = 'form_token_expired' | 'form_token_used';

/**
 * A form that cannot be sent as it is (its token expired, or already brought a lead): nothing is
 * stored, and the answer carries a fresh token to send the same fields again with, after
 * `retryAfterS` (a form sent again must still look filled in by a person).
 */
export function sendAgain(code: ResendCode, freshToken: string, retryAfterS: number): HttpProblem {
  return new HttpProblem(
    code,
    code === 'form_token_expired'
      ? 'this form was open too long to be sent as it is; nothing was stored yet: please send it again'
      : 'this form has already been sent once; nothing new was stored: please send it again to send another request',
    { retryAfterS, extra: { form_token: freshToken } },
  );
}

/** The fill time a form sent again with a fresh token waits, in whole seconds (at least 1). */
export function resendAfterS(minFillMs: number): number {
  return Math.max(1, Math.ceil(minFillMs / 1000));
}

export function idempotencyKeyReused(): HttpProblem {
  return new HttpProblem(
    'idempotency_key_reused',
    'this Idempotency-Key was used with a different body; nothing was stored',
  );
}

/** The connection may have dropped after COMMIT: the lead may be stored, the key makes a retry safe. */
export function leadMayNotBeStored(retryAfterS: number): HttpProblem {
  return new HttpProblem(
    'database_unavailable',
    'the database is unavailable; the lead may not have been stored: retry later with the same Idempotency-Key',
    { retryAfterS },
  );
}
