import type { Comparison, GateOutcome, Measurement } from '../../gate.ts';
import { compare } from '../../compare.ts';

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

export function skipOutcome(summary: string, reason: string): GateOutcome {
  return { status: 'skip', summary, reason };
}

/** The last `lines` lines of a command's output, for evidence. */
export function tail(text: string, lines = 40): string {
  const all = text.trimEnd().split('\n');
  return all.length <= lines ? all.join('\n') : ['…', ...all.slice(-lines)].join('\n');
}

/** `a, b, c and 4 more`: a culprit list short enough for a one-line summary. */
export function listSome(items: readonly string[], max = 3, separator = ', '): string {
  if (items.length <= max) return items.join(separator);
  return `${items.slice(0, max).join(separator)} and ${items.length - max} more`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
