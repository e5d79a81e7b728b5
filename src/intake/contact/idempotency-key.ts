import { describeGot } from '../../leads/describe-got.ts';
import type { StoredAnswer } from '../../leads/find-idempotency-key.ts';
import type { Idempotency } from '../../leads/record-lead.ts';
import type { FieldError } from '../../leads/validate-lead.ts';

const keyPattern = /^[\x21-\x7e]{1,255}$/;

/** What is wrong with an `Idempotency-Key` header, if anything (absent is fine: it is optional). */
export function checkIdempotencyKey(header: string | string[] | undefined): FieldError | undefined {
  if (header === undefined || (typeof header === 'string' && keyPattern.test(header))) return undefined;
  return {
    field: 'Idempotency-Key',
    expected: 'a header of 1 to 255 visible ASCII characters (a UUID, for example)',
    got: describeGot(header),
  };
}

/** A stored answer belongs to this request when its key came with the same lead (hash). */
export function isRetryOf<S extends Pick<StoredAnswer, 'requestHash'>>(
  stored: S | undefined,
  idempotency: Idempotency,
): stored is S {
  return stored?.requestHash === idempotency.requestHash;
}
