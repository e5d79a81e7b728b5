import { z } from 'zod';
import { ExpectedValue } from './parse-values.ts';

// Apart from the other parsers: zod costs a noticeable part of start-up, and only `leads` needs it.
const emailSchema = z.string().trim().max(254).regex(z.regexes.email);

/** An email address, trimmed and lower-cased as the intake stores it. */
export function parseEmail(value: string): string {
  const result = emailSchema.safeParse(value);
  if (!result.success) throw new ExpectedValue('an email address', value.slice(0, 40));
  return result.data.toLowerCase();
}
