import { describe, expect, it } from 'vitest';
import { ExpectedValue, parseEnvPair } from '../../src/cli/parse-values.ts';

describe('parseEnvPair (--env KEY=VALUE, repeatable)', () => {
  it('adds each pair to the ones before; the value may hold = and be empty', () => {
    const first = parseEnvPair('HERMES_X=a=b', undefined);
    expect(parseEnvPair('EMPTY=', first)).toEqual({ HERMES_X: 'a=b', EMPTY: '' });
  });

  it('a later pair of the same name wins', () => {
    expect(parseEnvPair('A=2', { A: '1' })).toEqual({ A: '2' });
  });

  it('refuses a pair without = or with a bad name, never echoing the value', () => {
    expect(() => parseEnvPair('NOEQUALS', undefined)).toThrow(ExpectedValue);
    try {
      parseEnvPair('9SECRET=hunter2', undefined);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ExpectedValue);
      expect((error as ExpectedValue).got).toBe('9SECRET=…');
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
