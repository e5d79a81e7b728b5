/**
 * A text as a URL parser would read it, for finding personal data that hides behind
 * %-escapes (`ada%40example.com`, `07700%20900123`, any case of hex), with the way back to the
 * original positions so that only what is found gets replaced. Decoding is lenient: a malformed
 * escape (`%zz`, `%E0%A4`, a lone `%`) stays as it is; nothing throws.
 */
export interface DecodedView {
  /** The text with its valid %-escapes decoded (and `+` read as a space for query strings). */
  readonly text: string;
  /** Where each unit of `text`, and its end, starts in the original; undefined: the same places. */
  readonly origin: Int32Array | undefined;
}

export interface DecodeOptions {
  /** Read `+` as a space, as `application/x-www-form-urlencoded` (query strings) does. */
  readonly plusIsSpace?: boolean;
}

const PERCENT = 0x25;
const PLUS = 0x2b;

function hexValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  const lower = unit | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** The byte of a `%HH` escape at `index`, or -1. */
function escapedByte(text: string, index: number): number {
  if (text.charCodeAt(index) !== PERCENT) return -1;
  const high = hexValue(text.charCodeAt(index + 1));
  const low = hexValue(text.charCodeAt(index + 2));
  return high < 0 || low < 0 ? -1 : high * 16 + low;
}

/** The code point of the UTF-8 sequence of escapes at `index`, and how many escapes it took. */
function escapedCodePoint(text: string, index: number): { cp: number; escapes: number } | undefined {
  const lead = escapedByte(text, index);
  if (lead < 0) return undefined;
  if (lead < 0x80) return { cp: lead, escapes: 1 };
  let escapes: number;
  let cp: number;
  // The ranges of RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF.
  let min = 0x80;
  let max = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    escapes = 2;
    cp = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    escapes = 3;
    cp = lead & 0x0f;
    if (lead === 0xe0) min = 0xa0;
    if (lead === 0xed) max = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    escapes = 4;
    cp = lead & 0x07;
    if (lead === 0xf0) min = 0x90;
    if (lead === 0xf4) max = 0x8f;
  } else {
    return undefined;
  }
  for (let k = 1; k < escapes; k += 1) {
    const byte = escapedByte(text, index + 3 * k);
    if (byte < (k === 1 ? min : 0x80) || byte > (k === 1 ? max : 0xbf)) return undefined;
    cp = (cp << 6) | (byte & 0x3f);
  }
  return { cp, escapes };
}

export function decodedView(original: string, options: DecodeOptions = {}): DecodedView {
  const plusIsSpace = options.plusIsSpace === true;
  if (!original.includes('%') && !(plusIsSpace && original.includes('+'))) {
    return { text: original, origin: undefined };
  }
  // Decoding only shortens: the view has at most as many units as the original.
  const origin = new Int32Array(original.length + 1);
  const parts: string[] = [];
  let length = 0;
  let copiedFrom = 0;
  const copyUpTo = (end: number) => {
    if (end <= copiedFrom) return;
    parts.push(original.slice(copiedFrom, end));
    for (let at = copiedFrom; at < end; at += 1) origin[length++] = at;
  };
  let at = 0;
  while (at < original.length) {
    const unit = original.charCodeAt(at);
    if (unit === PLUS && plusIsSpace) {
      copyUpTo(at);
      parts.push(' ');
      origin[length++] = at;
      at += 1;
      copiedFrom = at;
      continue;
    }
    const decoded = unit === PERCENT ? escapedCodePoint(original, at) : undefined;
    if (decoded === undefined) {
      at += 1;
      continue;
    }
    copyUpTo(at);
    const char = String.fromCodePoint(decoded.cp);
    parts.push(char);
    for (let k = 0; k < char.length; k += 1) origin[length++] = at;
    at += 3 * decoded.escapes;
    copiedFrom = at;
  }
  copyUpTo(original.length);
  origin[length] = original.length;
  return { text: parts.join(''), origin: origin.subarray(0, length + 1) };
}
