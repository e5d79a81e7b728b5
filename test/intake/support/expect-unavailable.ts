import { expect } from 'vitest';

/**
 * The answer to a submission while the database is unavailable: 503, Retry-After 5 (the default)
 * and a message that never claims nothing was stored (the connection may drop after COMMIT).
 */
export async function expectSubmissionUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('5');
  expect(await response.json()).toEqual({
    error: {
      code: 'database_unavailable',
      message:
        'the database is unavailable; the lead may not have been stored: retry later with the same Idempotency-Key',
      retry_after_s: 5,
    },
  });
}
