import { describe, expect, it } from 'vitest';
import { escapeHtml, unescapeHtml } from '../../src/text/escape-html.ts';

describe('escapeHtml', () => {
  it('escapes the five characters that end text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>Tom & Jerry</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;Tom &amp; Jerry&lt;/a&gt;',
    );
  });

  it('escapes an entity again, so text that looks like markup shows as typed', () => {
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('leaves everything else as it is', () => {
    expect(escapeHtml('Zoë – 50% off, naïve café ✓\n')).toBe('Zoë – 50% off, naïve café ✓\n');
    expect(escapeHtml('')).toBe('');
  });
});

describe('unescapeHtml', () => {
  it('gives back what escapeHtml was given, one level at a time', () => {
    const text = `<a href="x" title='y'>Tom & Jerry &amp; co</a>`;
    expect(unescapeHtml(escapeHtml(text))).toBe(text);
    expect(unescapeHtml('&amp;amp;')).toBe('&amp;');
  });

  it('leaves other entities and a lone ampersand as they are', () => {
    expect(unescapeHtml('&#x27; &nbsp; & &copy;')).toBe('&#x27; &nbsp; & &copy;');
  });
});
