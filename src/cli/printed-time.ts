/** A time as the CLI's tables print it: ISO 8601 in UTC, to the second. */
export function printedTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
