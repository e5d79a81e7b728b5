import type { Comparison, GateOutcome, Measurement } from '../../gate.ts';
import { compare } from '../../compare.ts';
import { errorMessage } from '../../../errors/error-message.ts';

/** A measurement judged against its threshold. */
export function measure(
  name: string,
  value: number,
  unit: string,
  threshold?: number,
  comparison?: Comparison,
): Measurement {
  if (threshold === undefined || comparison === undefined) return { name, value, unit };
  return { name, value, unit, threshold, comparison, passed: compare(comparison, value, threshold) };
}

export function errorOutcome(summary: string, reason: string): GateOutcome {
  return { status: 'error', summary, reason };
}

/** The gate could not judge because `error` was thrown: its message is the reason. */
export function thrownOutcome(summary: string, error: unknown): GateOutcome {
  return errorOutcome(summary, errorMessage(error));
}

export function skipOutcome(summary: string, reason: string): GateOutcome {
  return { status: 'skip', summary, reason };
}

/** `a, b, c and 4 more`: a culprit list short enough for a one-line summary. */
export function listSome(items: readonly string[], max = 3, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}

export { plural } from '../../../text/plural.ts';
