import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useIntake } from './support/use-intake.ts';

const sourceDir = join(import.meta.dirname, '..', '..', 'src', 'intake', 'assets');

interface Reference {
  url: string;
  integrity: string | undefined;
  crossorigin: string | undefined;
}

/** Every script and stylesheet a page loads, with its attributes. */
function references(html: string): Reference[] {
  const found: Reference[] = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const attrs = new Map([...tag.matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const attr = (name: string) => attrs.get(name);
    const url = tag.startsWith('<script')
      ? attr('src')
      : attr('rel') === 'stylesheet'
        ? attr('href')
        : undefined;
    if (url !== undefined)
      found.push({ url, integrity: attr('integrity'), crossorigin: attr('crossorigin') });
  }
  return found;
}

const sri = (body: Buffer) => `sha384-${createHash('sha384').update(body).digest('base64')}`;

describe('the pages load versioned assets with their integrity', () => {
  const intake = useIntake();

  it('references each asset by its content hash with the SRI of the bytes it serves, on every page', async () => {
    const confirmation = await fetch(`${intake.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'first_name=x',
    });
    const pages = {
      '/': await (await fetch(`${intake.base}/`)).text(),
      '/privacy': await (await fetch(`${intake.base}/privacy`)).text(),
      'a refused form post': await confirmation.text(),
    };
    for (const [page, html] of Object.entries(pages)) {
      const refs = references(html);
      expect(
        refs.map((r) => r.url.replace(/\.[0-9a-f]{12}\./, '.HASH.')),
        page,
      ).toEqual(
        page === '/privacy'
          ? ['/assets/contact-form.HASH.css']
          : ['/assets/contact-form.HASH.css', '/assets/contact-form.HASH.js'],
      );
      for (const ref of refs) {
        const served = await fetch(`${intake.base}${ref.url}`);
        expect(served.status, ref.url).toBe(200);
        expect(served.headers.get('cache-control'), ref.url).toBe('public, max-age=31536000, immutable');
        const body = Buffer.from(await served.arrayBuffer());
        const plain = ref.url.replace(/^\/assets\//, '').replace(/\.[0-9a-f]{12}\./, '.');
        expect(body.equals(readFileSync(join(sourceDir, plain))), ref.url).toBe(true);
        expect(ref.url).toContain(`.${createHash('sha256').update(body).digest('hex').slice(0, 12)}.`);
        expect(ref.integrity, `${page}: ${ref.url}`).toBe(sri(body));
        expect(ref.crossorigin).toBe('anonymous');
      }
    }
  });

  it('still serves the plain names briefly cached, and keeps the CSP to its own origin', async () => {
    const plain = await fetch(`${intake.base}/assets/contact-form.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=300');
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    await plain.arrayBuffer();
    const page = await fetch(`${intake.base}/`);
    await page.arrayBuffer();
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
  });

  it('answers 404 for a versioned name whose hash is not this release’s', async () => {
    const stale = await fetch(`${intake.base}/assets/contact-form.000000000000.js`);
    expect(stale.status).toBe(404);
    await stale.arrayBuffer();
  });
});

describe('assets.publicBaseUrl: the pages load their assets from a CDN', () => {
  const intake = useIntake({ config: { assets: { publicBaseUrl: 'https://cdn.example.test/hermes/' } } });

  it('points every reference at the base URL and lets the CSP load scripts and styles from its origin only', async () => {
    const page = await fetch(`${intake.base}/`);
    const refs = references(await page.text());
    expect(refs.map((r) => r.url)).toEqual([
      expect.stringMatching(/^https:\/\/cdn\.example\.test\/hermes\/contact-form\.[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^https:\/\/cdn\.example\.test\/hermes\/contact-form\.[0-9a-f]{12}\.js$/),
    ]);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self' https://cdn.example.test;");
    expect(csp).toContain("style-src 'self' https://cdn.example.test;");
    expect(csp).toContain("connect-src 'self';");
  });
});
