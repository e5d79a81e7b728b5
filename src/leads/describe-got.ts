const maxExcerpt = 24;

/**
 * What was sent, in a few safe characters for a 400 answer: strings cut to a short excerpt with
 * control characters escaped (JSON quoting), other values by type only.
 */
export function describeGot(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value.length === 0) return 'an empty string';
    const chars = Array.from(value);
    if (chars.length <= maxExcerpt) return JSON.stringify(value);
    return `${JSON.stringify(chars.slice(0, maxExcerpt).join(''))}... (${chars.length} characters)`;
  }
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : 'a number';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  return `a ${typeof value === 'object' ? 'JSON object' : typeof value}`;
}
