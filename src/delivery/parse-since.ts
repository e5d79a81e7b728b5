import { HermesError } from '../errors/hermes-error.ts';
import { parseDuration } from '../text/duration.ts';

/** The units `--since` takes for a time back from now (30m, 2h, 7d, 2w); ms and s mean no useful window. */
const sinceUnits = ['m', 'h', 'd', 'w'] as const;

/** What `--since` (CLI) and `since` (admin API) take, for their error messages. */
export const sinceExpected =
  'an ISO 8601 date or time (2025-01-31, 2025-01-31T12:00:00Z) or a duration such as 30m, 2h, 7d';

/**
 * `--since` / `since`: an ISO 8601 date or time (2025-01-31, 2025-01-31T12:00:00Z), or a duration
 * back from `now` (30m, 2h, 7d, 2w).
 */
export function parseSince(value: string, field = '--since', now: Date = new Date()): Date {
  const text = value.trim();
  const back = parseDuration(text, sinceUnits);
  const date =
    back !== undefined
      ? new Date(now.getTime() - back)
      : /^\d{4}-\d{2}-\d{2}$/.test(text) || /^\d{4}-\d{2}-\d{2}T\S+$/.test(text)
        ? new Date(text)
        : undefined;
  // A duration further back than a Date reaches is no time either.
  if (date !== undefined && !Number.isNaN(date.getTime())) return date;
  throw new HermesError(
    'invalid_argument',
    `${field}: expected ${sinceExpected}; got ${JSON.stringify(value)}`,
  );
}
