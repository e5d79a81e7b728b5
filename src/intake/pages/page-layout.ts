import { escapeHtml } from '../../text/escape-html.ts';
import { assetReference, type PageAssetName, type PageAssets } from '../page-assets.ts';

/**
 * An element loading a versioned asset with its integrity: a browser refuses an asset whose bytes
 * are not the ones this release was built with. `crossorigin` lets it check one from a CDN.
 */
export function assetTag(assets: PageAssets, name: PageAssetName): string {
  const { url, integrity } = assetReference(assets, name);
  const attributes = `integrity="${escapeHtml(integrity)}" crossorigin="anonymous"`;
  return name.endsWith('.css')
    ? `<link rel="stylesheet" href="${escapeHtml(url)}" ${attributes}>`
    : `<script src="${escapeHtml(url)}" ${attributes} defer></script>`;
}

/** The HTML around every page: no inline script or style, so the CSP can forbid both. */
export function pageLayout(title: string, main: string, assets: PageAssets, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
${assetTag(assets, 'contact-form.css')}
${head}</head>
<body>
<main id="main">
${main}
</main>
</body>
</html>
`;
}
