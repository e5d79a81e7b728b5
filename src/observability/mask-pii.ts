// An email anywhere in a string.
// eslint-disable-next-line security/detect-unsafe-regex -- each repetition consumes a character class the next part cannot, so matching is linear
const emailPattern = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
// Something that can be a phone number: an optional +, then at least 7 digits with the usual
// separators, not glued to letters or other digits (so ids, UUIDs and versions survive).
// eslint-disable-next-line security/detect-unsafe-regex -- each repetition consumes a character class the next part cannot, so matching is linear
const phonePattern = /(?<![\p{L}\p{N}_.:/-])\+?\(?\d(?:[ ().-]{0,2}\d){6,}(?![\p{L}\p{N}_-])/gu;
// Timestamps and dates are numbers too; they are not phone numbers.
const datePattern = /^\d{4}-\d{2}-\d{2}/;

/** `ada@example.com` → `a***@example.com`: enough to tell two addresses apart, not to reach anyone. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email.charAt(0)}***${email.slice(at)}`;
}

/** `+442079460958` → `+44*******58`. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 4) return '***';
  return `${phone.trim().startsWith('+') ? '+' : ''}${digits.slice(0, 2)}${'*'.repeat(digits.length - 4)}${digits.slice(-2)}`;
}

/** Masks every email address and phone-like number in a string. */
export function maskPii(text: string): string {
  return text
    .replace(emailPattern, (match) => maskEmail(match))
    .replace(phonePattern, (match) => (datePattern.test(match) ? match : maskPhone(match)));
}

/** Masks every string inside a JSON-like value. */
export function maskPiiDeep(value: unknown): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (Array.isArray(value)) return value.map(maskPiiDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, maskPiiDeep(child)]));
  }
  return value;
}
