import { describe, expect, it } from 'vitest';
import { HermesError } from '../../src/errors/hermes-error.ts';
import { errorDocument, errorLines, wantsJson } from '../../src/cli/main.ts';
import { UsageError } from '../../src/cli/usage-error.ts';

describe('the CLI error edge', () => {
  it('prints a HermesError as one line with its code, details indented below', () => {
    const error = new HermesError('lead_not_found', 'no lead HS-20990101-AAAAAA', { details: ['a', ' b'] });
    expect(errorLines(error, false)).toEqual([
      'hermes: no lead HS-20990101-AAAAAA [lead_not_found]',
      '  - a',
      '    b',
    ]);
    expect(errorDocument(error, false)).toEqual({
      error: { code: 'lead_not_found', message: 'no lead HS-20990101-AAAAAA', details: ['a', 'b'] },
    });
  });

  it('gives a usage error its fields, even when there are none', () => {
    const fields = [{ field: '--port', expected: 'an integer', got: 'x' }];
    expect(errorDocument(new UsageError('--port: bad', { fields }), false)).toEqual({
      error: { code: 'usage_invalid', message: '--port: bad', fields },
    });
    expect(errorDocument(new UsageError('bad'), false)).toEqual({
      error: { code: 'usage_invalid', message: 'bad', fields: [] },
    });
  });

  it('answers an unexpected error as internal_error, its stack only with --verbose', () => {
    const bug = new TypeError('x is undefined');
    expect(errorDocument(bug, false)).toEqual({
      error: { code: 'internal_error', message: 'unexpected error: x is undefined' },
    });
    expect(errorDocument(bug, true).error.stack).toContain('TypeError: x is undefined');
    expect(errorLines(bug, false)).toEqual([
      'hermes: unexpected error: x is undefined',
      '  (run with --verbose for the stack trace)',
    ]);
  });

  it('reads --json anywhere on the command line, but not after --', () => {
    expect(wantsJson(['gates', 'history', '--json'])).toBe(true);
    expect(wantsJson(['--json', 'serve'])).toBe(true);
    expect(wantsJson(['gates', 'run', 'deploy'])).toBe(false);
    expect(wantsJson(['x', '--', '--json'])).toBe(false);
  });
});
