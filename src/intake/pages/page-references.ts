import { unescapeHtml } from '../../text/escape-html.ts';

/** An element of a page that loads an asset: what `assets:validate` checks against the manifest. */
export interface AssetReference {
  readonly tag: 'script' | 'link';
  readonly url: string;
  /** The `integrity` attribute; null when the element has none. */
  readonly integrity: string | null;
  /** The `crossorigin` attribute; null when the element has none. */
  readonly crossorigin: string | null;
}

/** The double-quoted attributes of one start tag, as the page renderers write them (`defer` and other bare ones left out). */
function attributesOf(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of tag.matchAll(/\s([a-z-]+)="([^"]*)"/g)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) found.set(name, unescapeHtml(value));
  }
  return found;
}

/**
 * The scripts and stylesheets a rendered page loads (`<script src>`, `<link rel="stylesheet">`).
 * The pages are Hermes's own output, written with double-quoted attributes; an icon or other
 * `<link>` is not an asset.
 */
export function assetReferences(html: string): AssetReference[] {
  const references: AssetReference[] = [];
  for (const [tag = '', name] of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const attributes = attributesOf(tag);
    const url = name === 'script' ? attributes.get('src') : attributes.get('href');
    if (url === undefined) continue;
    if (name === 'link' && attributes.get('rel') !== 'stylesheet') continue;
    references.push({
      tag: name === 'script' ? 'script' : 'link',
      url,
      integrity: attributes.get('integrity') ?? null,
      crossorigin: attributes.get('crossorigin') ?? null,
    });
  }
  return references;
}
