import { findEmails, findPhones, type PiiSpan } from './find-pii.ts';
import { decodedView } from './percent-decoded-view.ts';

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

export interface MaskOptions {
  /**
   * Keep at most this many characters, then a marker with the full length. The cut is decided
   * before masking (so the cost is bounded), yet an email or a phone number across the cut is
   * masked whole: no part of one is left at the end.
   */
  readonly maxLength?: number;
  /**
   * The text is (part of) a URL: `+` separates words, as in a query string, and a number right
   * after `/` or `:` may be a phone number (a path segment, `tel:`).
   */
  readonly url?: boolean;
  /**
   * The text is a gate's report: identifiers and figures it needs stay (`lodash@4.17.15`, EXPLAIN's
   * `cost=0.00..1000.00`, a count of 1000000). A phone number there is one written as one: with
   * a `+`, a parenthesis, or spaces or dashes between its digits; bare or dotted digit runs are
   * figures. Lead data in evidence rows is masked by its field name whatever its shape.
   */
  readonly report?: boolean;
}

// Beyond the cut, enough to see the rest of any email or phone number across it, even %-escaped
// (an address is at most 254 characters, three times that escaped).
const cutLookahead = 1024;

/** What is appended to a cut text. The `:` keeps the length itself from looking like a phone number. */
export function truncationMarker(fullLength: number): string {
  return `…[truncated; length:${fullLength}]`;
}

interface Replacement extends PiiSpan {
  readonly text: string;
}

// An address's last label names a top-level domain, which has a letter: `pkg@4.17.15` is a version.
const topLevelDomain = /\.[^.]*\p{L}[^.]*$/u;
// How a phone number is written, as opposed to a figure (see MaskOptions.report).
const writtenAsPhone = /^[+(]|\d[ ()-]+\d/;

/** Emails first, then phone numbers outside them (an email's digits are not a phone). */
function findReplacements(view: string, inUrl: boolean, report: boolean): Replacement[] {
  const emails = findEmails(view).filter(
    (span) => !report || topLevelDomain.test(view.slice(span.start, span.end)),
  );
  let rest = view;
  if (emails.length > 0) {
    const parts: string[] = [];
    let from = 0;
    for (const { start, end } of emails) {
      parts.push(view.slice(from, start), 'x'.repeat(end - start));
      from = end;
    }
    parts.push(view.slice(from));
    rest = parts.join('');
  }
  const replacements: Replacement[] = [
    ...emails.map((span) => ({ ...span, text: maskEmail(view.slice(span.start, span.end)) })),
    ...findPhones(rest, { inUrl })
      .filter((span) => !report || writtenAsPhone.test(view.slice(span.start, span.end)))
      .map((span) => ({
        ...span,
        text: maskPhone(view.slice(span.start, span.end)),
      })),
  ];
  return replacements.sort((a, b) => a.start - b.start);
}

/**
 * Masks every email address and phone-like number in a string, also when %-escaped. Linear in
 * the length of the string (bounded by `maxLength` when given).
 */
export function maskPii(text: string, options: MaskOptions = {}): string {
  const stopAt = Math.max(0, options.maxLength ?? Number.POSITIVE_INFINITY);
  const cut = text.length > stopAt;
  const window = cut ? text.slice(0, stopAt + cutLookahead) : text;
  const view = decodedView(window, { plusIsSpace: options.url === true });
  const toOriginal = (index: number) => (view.origin ? (view.origin[index] ?? window.length) : index);

  const parts: string[] = [];
  let from = 0;
  for (const replacement of findReplacements(view.text, options.url === true, options.report === true)) {
    const start = toOriginal(replacement.start);
    if (start >= stopAt) break;
    parts.push(window.slice(from, start), replacement.text);
    from = toOriginal(replacement.end);
  }
  if (!cut) {
    parts.push(window.slice(from));
    return parts.join('');
  }
  if (from < stopAt) {
    // Never leave half of a surrogate pair at the end.
    const high = window.charCodeAt(stopAt - 1);
    parts.push(window.slice(from, high >= 0xd800 && high <= 0xdbff ? stopAt - 1 : stopAt));
  }
  parts.push(truncationMarker(text.length));
  return parts.join('');
}

/** A lead's own fields in a report's rows, masked by name whatever they hold; undefined for other fields. */
function maskLeadField(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (key === 'email') return maskEmail(value);
  if (key === 'phone_number' || key === 'phone') return maskPhone(value);
  if (key === 'first_name' || key === 'last_name' || key === 'name') return '[redacted]';
  return undefined;
}

/**
 * Masks every string inside a JSON-like value (each cut to `maxLength` when given); the values
 * of the fields named in `urlFields` (anywhere in the value) are read as URLs.
 */
export function maskPiiDeep(
  value: unknown,
  options: MaskOptions & { readonly urlFields?: ReadonlySet<string> } = {},
): unknown {
  if (typeof value === 'string') return maskPii(value, options);
  if (Array.isArray(value)) return value.map((item: unknown) => maskPiiDeep(item, options));
  // A time is a value, not an object of fields (else it would come out as `{}`).
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => {
        const byName = options.report === true ? maskLeadField(key, child) : undefined;
        if (byName !== undefined) return [key, byName];
        return [
          key,
          maskPiiDeep(child, options.urlFields?.has(key) === true ? { ...options, url: true } : options),
        ];
      }),
    );
  }
  return value;
}
