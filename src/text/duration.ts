/** Milliseconds per unit: the one table every duration Hermes reads is written in. */
export const durationUnits = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

export type DurationUnit = keyof typeof durationUnits;

const allUnits = Object.keys(durationUnits) as readonly DurationUnit[];

const isUnit = (unit: string): unit is DurationUnit => Object.hasOwn(durationUnits, unit);

/**
 * `500ms`, `5s`, `5m`, `2h`, `1d`, `2w` as milliseconds; undefined for anything else: another
 * unit, a unit the caller does not take (`accepted`), a sign, a fraction, blanks, a compound
 * (`2h30m`), or more milliseconds than a safe integer holds.
 */
export function parseDuration(
  text: string,
  accepted: readonly DurationUnit[] = allUnits,
): number | undefined {
  const match = /^(\d+)([a-z]+)$/.exec(text);
  const [, amount, unit] = match ?? [];
  if (amount === undefined || unit === undefined || !isUnit(unit) || !accepted.includes(unit))
    return undefined;
  const ms = Number(amount) * durationUnits[unit];
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** `12.3 s`: seconds to a tenth, for a time compared with a limit in seconds. */
export function formatSeconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

/** `850 ms`, `12.3 s`, `4 min 5 s`: a time as a person reads it. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return formatSeconds(ms);
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}
