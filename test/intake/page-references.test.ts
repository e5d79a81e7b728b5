import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { assetManifest, renderPages } from '../../src/intake/asset-manifest.ts';
import { describeAsset, type PageAssets } from '../../src/intake/page-assets.ts';
import { assetReferences } from '../../src/intake/pages/page-references.ts';

const config = configSchema.parse({});

function pageAssets(baseUrl: string): PageAssets {
  return {
    baseUrl,
    files: [
      describeAsset('contact-form.css', Buffer.from('body { margin: 0; }\n')),
      describeAsset('contact-form.js', Buffer.from('console.log("form");\n')),
    ],
  };
}

function asset(assets: PageAssets, name: 'contact-form.css' | 'contact-form.js') {
  const found = assets.files.find((file) => file.name === name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

describe('assetReferences', () => {
  it('reads the src of a script and the href of a stylesheet with their integrity and crossorigin', () => {
    const html = `<head>
<link rel="stylesheet" href="/assets/a.111.css" integrity="sha384-css" crossorigin="anonymous">
<script src="/assets/b.222.js" integrity="sha384-js" crossorigin="use-credentials" defer></script>
</head>`;
    expect(assetReferences(html)).toEqual([
      { tag: 'link', url: '/assets/a.111.css', integrity: 'sha384-css', crossorigin: 'anonymous' },
      { tag: 'script', url: '/assets/b.222.js', integrity: 'sha384-js', crossorigin: 'use-credentials' },
    ]);
  });

  it('gives null for an integrity or crossorigin the element does not have', () => {
    const html = '<script src="/x.js"></script><link rel="stylesheet" href="/y.css" integrity="sha384-y">';
    expect(assetReferences(html)).toEqual([
      { tag: 'script', url: '/x.js', integrity: null, crossorigin: null },
      { tag: 'link', url: '/y.css', integrity: 'sha384-y', crossorigin: null },
    ]);
  });

  it('leaves out an icon, another kind of link and a script without src', () => {
    const html = `<link rel="icon" href="data:,">
<link rel="preconnect" href="https://cdn.example.test">
<script type="application/json" id="lead-rules">{"a":1}</script>
<script>inline()</script>
<link rel="stylesheet" href="/kept.css">`;
    expect(assetReferences(html).map((reference) => reference.url)).toEqual(['/kept.css']);
  });

  it('unescapes the HTML entities of attribute values', () => {
    const html =
      '<script src="https://cdn.example.test/a.js?x=1&amp;y=&lt;2&gt;&amp;z=&quot;q&quot;&amp;w=&#39;s&#39;" integrity="sha384-a&amp;b"></script>';
    expect(assetReferences(html)).toEqual([
      {
        tag: 'script',
        url: `https://cdn.example.test/a.js?x=1&y=<2>&z="q"&w='s'`,
        integrity: 'sha384-a&b',
        crossorigin: null,
      },
    ]);
  });

  it('keeps the order of the document', () => {
    const html = `<script src="/1.js"></script>
<link rel="stylesheet" href="/2.css">
<script src="/3.js"></script>
<link rel="stylesheet" href="/4.css">`;
    expect(assetReferences(html).map((reference) => [reference.tag, reference.url])).toEqual([
      ['script', '/1.js'],
      ['link', '/2.css'],
      ['script', '/3.js'],
      ['link', '/4.css'],
    ]);
  });

  it('finds nothing in a page that loads no asset', () => {
    expect(assetReferences('<p>no <em>assets</em> here</p>')).toEqual([]);
  });
});

describe('the references of the rendered pages', () => {
  for (const baseUrl of ['/assets', 'https://cdn.example.test/hermes']) {
    it(`the form page loads the stylesheet and the script by their versioned URL under ${baseUrl}`, () => {
      const assets = pageAssets(baseUrl);
      const form = renderPages(assets, config).find((page) => page.page === 'GET /');
      expect(form).toBeDefined();
      const css = asset(assets, 'contact-form.css');
      const js = asset(assets, 'contact-form.js');
      expect(assetReferences(form?.html ?? '')).toEqual([
        { tag: 'link', url: `${baseUrl}/${css.file}`, integrity: css.integrity, crossorigin: 'anonymous' },
        { tag: 'script', url: `${baseUrl}/${js.file}`, integrity: js.integrity, crossorigin: 'anonymous' },
      ]);
    });
  }

  it('every page loads the stylesheet with its integrity', () => {
    const assets = pageAssets('/assets');
    const css = asset(assets, 'contact-form.css');
    const pages = renderPages(assets, config);
    expect(pages.map((page) => page.page)).toEqual([
      'GET /',
      'GET /privacy',
      'POST /api/contact (form confirmation)',
    ]);
    for (const { html } of pages) {
      expect(assetReferences(html)).toContainEqual({
        tag: 'link',
        url: `/assets/${css.file}`,
        integrity: css.integrity,
        crossorigin: 'anonymous',
      });
    }
  });
});

describe('assetManifest', () => {
  it('lists every asset with the hashes of its bytes and every reference of every page', () => {
    const assets = pageAssets('https://cdn.example.test/hermes');
    const pages = renderPages(assets, config);
    const manifest = assetManifest(assets, pages, {
      version: '1.4.0+abc1234',
      commit: 'abc1234def',
      environment: 'production',
    });
    expect(manifest.version).toBe('1.4.0+abc1234');
    expect(manifest.commit).toBe('abc1234def');
    expect(manifest.environment).toBe('production');
    expect(manifest.baseUrl).toBe('https://cdn.example.test/hermes');
    expect(manifest.assets).toEqual(
      assets.files.map((file) => ({
        name: file.name,
        file: file.file,
        url: `https://cdn.example.test/hermes/${file.file}`,
        contentType: file.contentType,
        bytes: file.body.byteLength,
        sha256: file.sha256,
        integrity: file.integrity,
      })),
    );
    expect(manifest.pages).toEqual(
      pages.map(({ page, html }) => ({ page, references: assetReferences(html) })),
    );
    expect(manifest.pages.every((page) => page.references.length > 0)).toBe(true);
  });

  it('passes a release without commit or environment through as null', () => {
    const assets = pageAssets('/assets');
    const manifest = assetManifest(assets, [], { version: '0.1.0', commit: null, environment: null });
    expect(manifest).toMatchObject({ version: '0.1.0', commit: null, environment: null, pages: [] });
    expect(manifest.assets.map((a) => a.url)).toEqual(assets.files.map((file) => `/assets/${file.file}`));
  });
});
