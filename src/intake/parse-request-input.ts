import type { z } from 'zod';
import { describeGot } from '../leads/describe-got.ts';
import { HttpProblem } from './http-problem.ts';

/**
 * Validates an admin request's body or query with `schema`; on failure, a 400 naming every field
 * at fault with what was expected (from `expected`) and a short excerpt of what was sent.
 */
export function parseRequestInput<T>(
  schema: z.ZodType<T>,
  input: unknown,
  expected: Readonly<Record<string, string>>,
): T {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const record = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const fields = result.error.issues.map((issue) => {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : '(body)';
    return {
      field,
      expected: expected[field] ?? 'a JSON object with the documented fields',
      got: describeGot(field === '(body)' ? input : record[field]),
    };
  });
  throw new HttpProblem('validation_failed', 'the request is not valid; nothing was done', {
    extra: { fields },
  });
}
