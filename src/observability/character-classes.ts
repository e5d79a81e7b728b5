// The character classes of the masking rules, by code point. ASCII is decided by arithmetic;
// anything else by the Unicode property regex once per code point of the BMP (cached), so a
// scan costs a constant per character whatever the text.

const letterOrNumberPattern = /^[\p{L}\p{N}]$/u;
// 0: not looked up yet, 1: a letter or number, 2: neither.
const bmpCache = new Uint8Array(0x10000);

/** `\p{L}` or `\p{N}`. */
export function isLetterOrNumber(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || ((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a);
  if (cp > 0xffff) return letterOrNumberPattern.test(String.fromCodePoint(cp));
  let known = bmpCache[cp];
  if (known === 0) {
    known = letterOrNumberPattern.test(String.fromCharCode(cp)) ? 1 : 2;
    bmpCache[cp] = known;
  }
  return known === 1;
}

// Classes as bit flags, so that one lookup answers for ASCII (nearly every character logged).
export const LETTER_OR_NUMBER = 1;
/** `[\p{L}\p{N}._%+'-]`: what an email's local part is made of. */
export const EMAIL_LOCAL = 2;
/** `[\p{L}\p{N}-]`: what a domain label is made of. */
export const DOMAIN_LABEL = 4;

const asciiClasses = new Uint8Array(0x80);
for (let unit = 0; unit < 0x80; unit += 1) {
  if (isLetterOrNumber(unit)) asciiClasses[unit] = LETTER_OR_NUMBER | EMAIL_LOCAL | DOMAIN_LABEL;
}
for (const char of "._%+'-") asciiClasses[char.charCodeAt(0)] = EMAIL_LOCAL;
asciiClasses[0x2d] = EMAIL_LOCAL | DOMAIN_LABEL;

/** The classes (bit flags above) of a code point. */
export function classesOf(cp: number): number {
  if (cp >= 0 && cp < 0x80) return asciiClasses[cp] ?? 0;
  return isLetterOrNumber(cp) ? LETTER_OR_NUMBER | EMAIL_LOCAL | DOMAIN_LABEL : 0;
}

/** ASCII `0`-`9` (what `\d` means, even with the `u` flag). */
export function isDigit(unit: number): boolean {
  return unit >= 0x30 && unit <= 0x39;
}

/** The code point starting at `index` (a lone surrogate stands for itself). */
export function codePointAt(text: string, index: number): number {
  return text.codePointAt(index) ?? -1;
}

/** The code point ending just before `index`, or -1 at the start. */
export function codePointBefore(text: string, index: number): number {
  if (index <= 0) return -1;
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  }
  return low;
}

/** UTF-16 units the code point takes. */
export function unitsOf(cp: number): number {
  return cp > 0xffff ? 2 : 1;
}
