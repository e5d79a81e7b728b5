import { describe, expect, it } from 'vitest';
import { outputTail } from '../../src/text/output-tail.ts';

const numbered = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');

describe('outputTail', () => {
  it('keeps short output whole, without its trailing blank lines', () => {
    expect(outputTail('a\nb\n\n\n', 5)).toBe('a\nb');
    expect(outputTail('', 5)).toBe('');
  });

  it('keeps the last lines and marks the cut', () => {
    expect(outputTail(numbered(10), 3)).toBe('…\nline 8\nline 9\nline 10');
    expect(outputTail(numbered(3), 3)).toBe(numbered(3));
  });

  it('keeps 60 lines unless told', () => {
    expect(outputTail(numbered(60))).toBe(numbered(60));
    expect(outputTail(numbered(61)).split('\n')).toHaveLength(61);
  });
});
