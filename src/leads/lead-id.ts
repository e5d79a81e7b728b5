import { randomInt } from 'node:crypto';

// Crockford's base 32: no I, L, O or U, so a reference read over the phone is unambiguous.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export const leadIdPattern = /^HS-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/;

/** A readable, random lead reference: `HS-<UTC date>-<6 characters>`, e.g. HS-20261124-7KQ2M9. */
export function generateLeadId(now: Date = new Date()): string {
  const date = now.toISOString().slice(0, 10).replaceAll('-', '');
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += alphabet.charAt(randomInt(alphabet.length));
  return `HS-${date}-${suffix}`;
}
