import { describe, expect, it } from 'vitest';
import type { Expectation } from '../../../src/config/sections/gates.ts';
import type { Comparison } from '../../../src/gates/gate.ts';
import { compare } from '../../../src/gates/compare.ts';
import { evaluateExpectation } from '../../../src/gates/custom/evaluate-expectation.ts';

/** An expectation as the config schema builds it from `name op number and ...`. */
function expecting(...terms: [string, Comparison, number][]): Expectation {
  return {
    text: terms.map(([name, op, value]) => `${name} ${op} ${value}`).join(' and '),
    terms: terms.map(([name, comparison, value]) => ({ name, comparison, value })),
  };
}

describe('compare', () => {
  it.each<[Comparison, number, number, boolean]>([
    ['<', 1, 2, true],
    ['<', 2, 2, false],
    ['<=', 2, 2, true],
    ['<=', 3, 2, false],
    ['>', 3, 2, true],
    ['>', 2, 2, false],
    ['>=', 2, 2, true],
    ['>=', 1, 2, false],
    ['==', 2, 2, true],
    ['==', 1, 2, false],
    ['!=', 1, 2, true],
    ['!=', 2, 2, false],
  ])('%s: %d against %d is %s', (comparison, value, threshold, passes) => {
    expect(compare(comparison, value, threshold)).toBe(passes);
  });
});

describe('evaluateExpectation', () => {
  it('counts the rows, even when there are none, in the unit rows', () => {
    expect(evaluateExpectation(expecting(['rows', '==', 0]), [], undefined)).toEqual({
      kind: 'judged',
      measurements: [{ name: 'rows', value: 0, unit: 'rows', threshold: 0, comparison: '==', passed: true }],
      failed: [],
    });
  });

  it('reads `value` from the first column of the first row and lists a failed term', () => {
    const rows = [{ late: '3' }, { late: '0' }];
    expect(evaluateExpectation(expecting(['value', '==', 0]), rows, 'late')).toEqual({
      kind: 'judged',
      measurements: [
        { name: 'value', value: 3, unit: 'value', threshold: 0, comparison: '==', passed: false },
      ],
      failed: [{ name: 'value', value: 3, unit: 'value', threshold: 0, comparison: '==', passed: false }],
    });
  });

  it('reads a named column of the first row and judges every term, failing only the unmet ones', () => {
    const result = evaluateExpectation(
      expecting(['total', '>', 0], ['late_count', '<', 5], ['rows', '>=', 2]),
      [
        { total: 10, late_count: 7 },
        { total: 1, late_count: 0 },
      ],
      'total',
    );
    expect(result.kind).toBe('judged');
    if (result.kind !== 'judged') return;
    expect(result.measurements.map((m) => [m.name, m.value, m.unit, m.passed])).toEqual([
      ['total', 10, 'value', true],
      ['late_count', 7, 'value', false],
      ['rows', 2, 'rows', true],
    ]);
    expect(result.failed.map((m) => m.name)).toEqual(['late_count']);
  });

  it('takes a boolean as 1 or 0 and a numeric string (how pg returns count and numeric) as its number', () => {
    const result = evaluateExpectation(
      expecting(['ok', '==', 1], ['broken', '==', 0], ['n', '==', 12.5]),
      [{ ok: true, broken: false, n: ' 12.5 ' }],
      'ok',
    );
    expect(result.kind === 'judged' && result.measurements.map((m) => m.value)).toEqual([1, 0, 12.5]);
    expect(result.kind === 'judged' && result.failed).toEqual([]);
  });

  it('has no data when a row is needed and the query returned none', () => {
    expect(evaluateExpectation(expecting(['value', '==', 0]), [], undefined)).toEqual({
      kind: 'no-data',
      what: 'the query returned no rows',
    });
    expect(evaluateExpectation(expecting(['rows', '==', 0], ['late', '==', 0]), [], undefined)).toEqual({
      kind: 'no-data',
      what: 'the query returned no rows',
    });
  });

  it('has no data when the value judged is NULL, naming it', () => {
    expect(evaluateExpectation(expecting(['late', '<', 5]), [{ late: null }], 'late')).toEqual({
      kind: 'no-data',
      what: 'late is NULL',
    });
  });

  it('is invalid for a column the result lacks, listing the columns it has', () => {
    expect(evaluateExpectation(expecting(['missing', '==', 0]), [{ a: 1, b: 2 }], 'a')).toEqual({
      kind: 'invalid',
      problem: 'no column missing in the result (columns: a, b)',
    });
  });

  it.each<[string, unknown]>([
    ['text', 'late'],
    ['a blank string', '  '],
    ['an object', { n: 1 }],
    ['a date', new Date(0)],
  ])('is invalid when the value is %s, not a number', (_what, raw) => {
    expect(evaluateExpectation(expecting(['n', '==', 0]), [{ n: raw }], 'n')).toEqual({
      kind: 'invalid',
      problem: 'n is not a number',
    });
  });

  it('is invalid for `value` when the result has no column at all', () => {
    expect(evaluateExpectation(expecting(['value', '==', 0]), [{}], undefined)).toEqual({
      kind: 'invalid',
      problem: 'value is not a number',
    });
  });
});
