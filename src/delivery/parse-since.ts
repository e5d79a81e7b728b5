import { HermesError } from '../errors/hermes-error.ts';

const units: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since` / `since`: an ISO 8601 date or time (2025-01-31, 2025-01-31T12:00:00Z), or a duration
 * back from `now` (30m, 2h, 7d, 2w).
 */
export function parseSince(value: string, field = '--since', now: Date = new Date()): Date {
  const relative = /^(\d{1,6})([mhdw])$/.exec(value.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * (units[relative[2] ?? 'm'] ?? 0));
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text) || /^\d{4}-\d{2}-\d{2}T\S+$/.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new HermesError(
    'invalid_argument',
    `${field}: expected an ISO 8601 date or time (2025-01-31, 2025-01-31T12:00:00Z) or a duration such as 30m, 2h, 7d; got ${JSON.stringify(value)}`,
  );
}
