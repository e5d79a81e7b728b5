import { describe, expect, it } from 'vitest';
import { thrownOutcome } from '../../../src/gates/builtin/support/outcome.ts';

describe('thrownOutcome', () => {
  it("is an error whose reason is the thrown error's message, or the thrown value itself", () => {
    expect(thrownOutcome('the scan could not run', new Error('ENOENT: no such file'))).toEqual({
      status: 'error',
      summary: 'the scan could not run',
      reason: 'ENOENT: no such file',
    });
    expect(thrownOutcome('the scan could not run', 'plain text')).toMatchObject({ reason: 'plain text' });
  });
});
