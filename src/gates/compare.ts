import type { Comparison } from './gate.ts';

/** Whether `value` stands to `threshold` as `comparison` says (a measurement passes when it does). */
export function compare(comparison: Comparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
