import {
  classesOf,
  codePointAt,
  codePointBefore,
  DOMAIN_LABEL,
  EMAIL_LOCAL,
  isDigit,
  isLetterOrNumber,
  unitsOf,
} from './character-classes.ts';

/** Where an email or a phone number is in a text: `[start, end)` in UTF-16 units. */
export interface PiiSpan {
  readonly start: number;
  readonly end: number;
}

// Hand-written scanners for what the masking regexes used to match (kept as the reference in
// bench/mask-pii/run.ts). A backtracking regex retried every start inside a run of candidate
// characters, so a long run without an `@` (or a phone-like run that ends badly) cost O(n²);
// here every character is looked at a constant number of times.

const AT = 0x40;
const DOT = 0x2e;

/** The end of the run of characters of class `wanted` (EMAIL_LOCAL, DOMAIN_LABEL) from `index`. */
function runEnd(text: string, index: number, wanted: number): number {
  let at = index;
  while (at < text.length) {
    const cp = codePointAt(text, at);
    if ((classesOf(cp) & wanted) === 0) break;
    at += unitsOf(cp);
  }
  return at;
}

/** `[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+` from `index`, greedy: its end, or -1. */
function domainEnd(text: string, index: number): number {
  let end = runEnd(text, index, DOMAIN_LABEL);
  if (end === index) return -1;
  let labels = 1;
  while (text.charCodeAt(end) === DOT) {
    const next = runEnd(text, end + 1, DOMAIN_LABEL);
    if (next === end + 1) break;
    labels += 1;
    end = next;
  }
  return labels >= 2 ? end : -1;
}

/**
 * Every email, as `/[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu` finds them.
 * Every start inside one run of local-part characters reaches the same `@` (or none), so the
 * run is decided once, from its first character.
 */
export function findEmails(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  let at = 0;
  while (at < text.length) {
    const cp = codePointAt(text, at);
    if ((classesOf(cp) & EMAIL_LOCAL) === 0) {
      at += unitsOf(cp);
      continue;
    }
    const localEnd = runEnd(text, at, EMAIL_LOCAL);
    if (text.charCodeAt(localEnd) === AT) {
      const end = domainEnd(text, localEnd + 1);
      if (end !== -1) {
        spans.push({ start: at, end });
        at = end;
        continue;
      }
    }
    at = localEnd;
  }
  return spans;
}

/** `[ ().-]`: what may separate a phone number's digits, at most two in a row. */
function isPhoneSeparator(unit: number): boolean {
  return unit === 0x20 || unit === 0x28 || unit === 0x29 || unit === DOT || unit === 0x2d;
}

/**
 * `(?<![\p{L}\p{N}_.:/-])`: a number glued to a word, an id, a version, a time or a path is not
 * a phone. In a URL, a path segment or a `tel:` may well be one.
 */
function mayStartAfter(cp: number, inUrl: boolean): boolean {
  if (cp === -1) return true;
  if (cp === 0x3a /* : */ || cp === 0x2f /* / */) return inUrl;
  return !(isLetterOrNumber(cp) || cp === 0x5f || cp === DOT || cp === 0x2d);
}

/** `(?![\p{L}\p{N}_-])` at `index`. */
function mayEndBefore(text: string, index: number): boolean {
  if (index >= text.length) return true;
  const cp = codePointAt(text, index);
  return !(isLetterOrNumber(cp) || cp === 0x5f || cp === 0x2d);
}

const minPhoneDigits = 7;
// Timestamps and dates are numbers too; they are not phone numbers.
const datePattern = /^\d{4}-\d{2}-\d{2}/;

/**
 * Every phone-like number, as
 * `/(?<![\p{L}\p{N}_.:/-])\+?\(?\d(?:[ ().-]{0,2}\d){6,}(?![\p{L}\p{N}_-])/gu` finds them, less
 * the ones that start like a date (and, in a URL, also after `/` or `:`). Digits linked by at most two separators form a chain; a match
 * from a start ends after the chain's last digit that may end a number, if at least seven digits
 * lie between. That last good digit is the same for every start in the chain, so one walk of the
 * chain decides every start in it.
 */
export function findPhones(text: string, options: { inUrl?: boolean } = {}): PiiSpan[] {
  const inUrl = options.inUrl === true;
  const spans: PiiSpan[] = [];
  let at = 0;
  while (at < text.length) {
    const unit = text.charCodeAt(at);
    if (
      (unit !== 0x2b && unit !== 0x28 && !isDigit(unit)) ||
      !mayStartAfter(codePointBefore(text, at), inUrl)
    ) {
      at += 1;
      continue;
    }
    let first = at;
    if (text.charCodeAt(first) === 0x2b) first += 1;
    if (text.charCodeAt(first) === 0x28) first += 1;
    if (!isDigit(text.charCodeAt(first))) {
      at += 1;
      continue;
    }
    let digits = 1;
    let lastDigit = first;
    let matchEnd = -1;
    for (;;) {
      let next = lastDigit + 1;
      let separators = 0;
      while (separators < 2 && next < text.length && isPhoneSeparator(text.charCodeAt(next))) {
        next += 1;
        separators += 1;
      }
      if (!isDigit(text.charCodeAt(next))) break;
      lastDigit = next;
      digits += 1;
      if (digits >= minPhoneDigits && mayEndBefore(text, next + 1)) matchEnd = next + 1;
    }
    if (matchEnd !== -1 && !datePattern.test(text.slice(at, Math.min(matchEnd, at + 10)))) {
      spans.push({ start: at, end: matchEnd });
    }
    // No later start in this chain can match: the chain's last good digit is behind it.
    at = lastDigit + 1;
  }
  return spans;
}
