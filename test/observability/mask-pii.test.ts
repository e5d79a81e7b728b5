import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone, maskPii, truncationMarker } from '../../src/observability/mask-pii.ts';

// The masking as the regexes defined it: emails first, then phone numbers outside them. The
// scanners must find exactly what these find (they were quadratic, hence the scanners).
// eslint-disable-next-line security/detect-unsafe-regex -- the reference the scanner is checked against, on short strings only
const referenceEmail = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
// eslint-disable-next-line security/detect-unsafe-regex -- the reference the scanner is checked against, on short strings only
const referencePhone = /(?<![\p{L}\p{N}_.:/-])\+?\(?\d(?:[ ().-]{0,2}\d){6,}(?![\p{L}\p{N}_-])/gu;
const referenceDate = /^\d{4}-\d{2}-\d{2}/;

function referenceMask(text: string): string {
  const spans: { start: number; end: number; text: string }[] = [];
  let rest = text;
  for (const match of text.matchAll(referenceEmail)) {
    const end = match.index + match[0].length;
    spans.push({ start: match.index, end, text: maskEmail(match[0]) });
    rest = rest.slice(0, match.index) + 'x'.repeat(match[0].length) + rest.slice(end);
  }
  for (const match of rest.matchAll(referencePhone)) {
    if (referenceDate.test(match[0])) continue;
    spans.push({ start: match.index, end: match.index + match[0].length, text: maskPhone(match[0]) });
  }
  spans.sort((a, b) => a.start - b.start);
  let out = '';
  let from = 0;
  for (const span of spans) {
    out += text.slice(from, span.start) + span.text;
    from = span.end;
  }
  return out + text.slice(from);
}

/** Milliseconds `work` blocks the thread. */
function blockedMs(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

const megabyte = 1 << 20;

/** `unit` repeated to `length` characters, the last one `last` (so that no number ends well there). */
function repeatTo(unit: string, length: number, last = ''): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length - last.length) + last;
}

describe('masking is linear', () => {
  // The old regexes took minutes on most of these (bench/mask-pii/run.ts): 16 KB of letters took
  // ~0.12 s, 256 KB ~30 s, and 1 MB eight minutes.
  const shapes: [string, string][] = [
    ['letters, no @', repeatTo('a', megabyte)],
    ['many @', repeatTo('a@', megabyte)],
    ['@ then a domain without a dot', repeatTo('ab@cd', megabyte)],
    ['digits', repeatTo('1', megabyte, 'x')],
    ['digits between separators', repeatTo('1- ', megabyte, '-')],
    ['digits, each ending badly', repeatTo('1-(', megabyte, '-')],
    ['parentheses and dots', repeatTo('(1).', megabyte, '_')],
    ['percent-escapes', repeatTo('%41%40', megabyte)],
    ['percent-escaped digits and separators', repeatTo('1%2D%20', megabyte, '-')],
    ['malformed percent-escapes', repeatTo('%E0%A4%', megabyte)],
    ['mixed', repeatTo("ab.c_d+e'f-9@x1 (2)3.4-5 %2 é6:7/8+", megabyte, '-')],
  ];

  it.each(shapes)('masks 1 MB of %s without blocking for seconds', (_name, text) => {
    let masked = '';
    expect(blockedMs(() => (masked = maskPii(text)))).toBeLessThan(2_000);
    expect(blockedMs(() => maskPii(text, { url: true }))).toBeLessThan(2_000);
    expect(masked.length).toBeGreaterThan(0);
  });

  it('finds exactly what the old regexes found', () => {
    const unit = fc.constantFrom(
      ...[
        'a',
        'Z',
        'é',
        'ß',
        '1',
        '0',
        '9',
        '２',
        '@',
        '.',
        '.',
        '-',
        '_',
        '+',
        '(',
        ')',
        ' ',
        ' ',
        ':',
        '/',
      ],
      ...["'", 'x', '😀', '\u0301', '*', ',', 'T'],
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 60 }), (units) => {
        const text = units.join('');
        expect(maskPii(text)).toBe(referenceMask(text));
      }),
      { numRuns: 5_000 },
    );
    for (const text of [
      'call +44 20 7946 0958, (020) 7946-0958 or 07700900123.',
      'a@b.c.d@e.fg 1234567 2026-11-24 10:00 1-2-3-4-5-6-7-8',
      'x@y.z07700900123 ada.lovelace+tag@sub.example.co.uk',
    ]) {
      expect(maskPii(text)).toBe(referenceMask(text));
    }
  });
});

describe('masking what is encoded', () => {
  it.each([
    ['/x/ada%40example.com', 'a***@example.com'],
    ['/x/ADA%40Example.COM', 'A***@Example.COM'],
    ['/x/%61%64%61%40%65%78%61%6D%70%6c%65%2e%63%6f%6d', 'a***@example.com'],
    ['/x/jos%C3%A9%40exam%C3%A9ple.com', 'j***@examéple.com'],
    ['/x/07700%20900123', '07*******23'],
    ['/x/07700%2d900%2D123', '07*******23'],
    ['/x/%2B44%207700%20900123', '+44********23'],
    ['/x/07700900123', '07*******23'],
    ['/?p=07700+900+123', '07*******23'],
    ['/?t=tel:%2b44+7700+900123', '+44********23'],
  ])('masks %s in a URL', (url, shown) => {
    const masked = maskPii(url, { url: true });
    expect(masked).toContain(shown);
    expect(masked).not.toMatch(/ada|7700.?.?.?900|%40/i);
  });

  it('decodes %-escapes outside URLs too, but keeps / and : as boundaries there', () => {
    expect(maskPii('GET /x/ada%40example.com failed')).toBe('GET /x/a***@example.com failed');
    expect(maskPii('see /v1/12345678 at 10:00:00')).toBe('see /v1/12345678 at 10:00:00');
  });

  it('never throws on malformed escapes, and leaves them as they are', () => {
    for (const text of ['%', '%%', '%4', '%zz', '%E0%A4%A', '%C0%80', '%ED%A0%80', '%F4%90%80%80', '100%']) {
      expect(maskPii(text, { url: true })).toBe(text);
    }
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('%', '4', '0', 'a', 'F', 'E', 'C', '8', 'z', '@', '.', '+', '2'), {
          maxLength: 40,
        }),
        (units) => {
          const text = units.join('');
          expect(() => maskPii(text, { url: true, maxLength: 10 })).not.toThrow();
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('cutting long strings', () => {
  const filler = 'x'.repeat(5_000);

  it('cuts at maxLength with a marker naming the full length', () => {
    const text = `${filler} end`;
    const masked = maskPii(text, { maxLength: 100 });
    expect(masked).toBe(`${'x'.repeat(100)}${truncationMarker(text.length)}`);
    expect(maskPii(filler, { maxLength: 5_000 })).toBe(filler);
  });

  it.each([
    ['an email', ' ada.lovelace@example.com tail', 'a***@example.com', /ada|lovelace/],
    ['a %-escaped email', ' ada.lovelace%40example.com tail', 'a***@example.com', /ada|lovelace/],
    ['a phone number', ' +44 7700 900123 tail', '+44********23', /7700|900/],
  ])('masks %s across the cut whole, leaving no part of it', (_name, tail, shown, leak) => {
    const text = `${filler}${tail}`;
    // Every cut from just after its first character to just before its last.
    for (let cut = filler.length + 2; cut < filler.length + tail.length - ' tail'.length; cut += 1) {
      const masked = maskPii(text, { maxLength: cut });
      expect(masked).toContain(shown);
      expect(masked).not.toMatch(leak);
      expect(masked.endsWith(truncationMarker(text.length))).toBe(true);
    }
  });

  it('bounds the work by maxLength, not by the length of the input', () => {
    // Masked whole, 64 MB takes seconds even linearly.
    const huge = repeatTo('1- ', 64 * megabyte);
    let masked = '';
    expect(blockedMs(() => (masked = maskPii(huge, { maxLength: 4096 })))).toBeLessThan(1_000);
    expect(masked.length).toBeLessThan(4096 + 100);
  });

  it('keeps its marker intact when masked again', () => {
    const once = maskPii('y'.repeat(2_000_000), { maxLength: 10 });
    expect(maskPii(once)).toBe(once);
  });
});
