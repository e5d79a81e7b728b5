import { z } from 'zod';
import { parseDuration } from '../../text/duration.ts';

/** The units hermes.yaml's durations are written in. */
const configUnits = ['ms', 's', 'm', 'h', 'd'] as const;

/** A duration as milliseconds, or a string such as `500ms`, `5s`, `30m`, `2h`, `1d`; parsed to milliseconds. */
export const durationMs = z.union([
  z.int().min(0),
  z
    .string()
    .refine((value) => parseDuration(value, configUnits) !== undefined, {
      error: 'expected a duration such as 500ms, 5s, 30m, 2h or 1d',
    })
    .transform((value) => parseDuration(value, configUnits) ?? 0),
]);
