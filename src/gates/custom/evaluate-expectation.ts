import type { Expectation } from '../../config/sections/gates.ts';
import type { Measurement } from '../gate.ts';
import { compare } from '../compare.ts';

export type ExpectationResult =
  | { kind: 'judged'; measurements: Measurement[]; failed: Measurement[] }
  | { kind: 'no-data'; what: string }
  | { kind: 'invalid'; problem: string };

function toNumber(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  // count(*) and numeric columns arrive as strings from pg.
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

/**
 * Judges a query result: `value` is the first column of the first row, `rows` the row count,
 * any other name a column of the first row.
 */
export function evaluateExpectation(
  expectation: Expectation,
  rows: readonly Record<string, unknown>[],
  firstColumn: string | undefined,
): ExpectationResult {
  const first = rows[0];
  const measurements: Measurement[] = [];
  for (const term of expectation.terms) {
    let raw: unknown;
    if (term.name === 'rows') raw = rows.length;
    else if (!first) return { kind: 'no-data', what: 'the query returned no rows' };
    else if (term.name === 'value') raw = firstColumn === undefined ? undefined : first[firstColumn];
    else if (term.name in first) raw = first[term.name];
    else
      return {
        kind: 'invalid',
        problem: `no column ${term.name} in the result (columns: ${Object.keys(first).join(', ')})`,
      };
    if (raw === null) return { kind: 'no-data', what: `${term.name} is NULL` };
    const value = toNumber(raw);
    if (Number.isNaN(value)) return { kind: 'invalid', problem: `${term.name} is not a number` };
    measurements.push({
      name: term.name,
      value,
      unit: term.name === 'rows' ? 'rows' : 'value',
      threshold: term.value,
      comparison: term.comparison,
      passed: compare(term.comparison, value, term.value),
    });
  }
  return { kind: 'judged', measurements, failed: measurements.filter((m) => m.passed === false) };
}
