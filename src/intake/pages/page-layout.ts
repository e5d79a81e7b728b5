import { escapeHtml } from '../../text/escape-html.ts';

/** The HTML around every page: no inline script or style, so the CSP can forbid both. */
export function pageLayout(title: string, main: string, head = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/contact-form.css">
${head}</head>
<body>
<main id="main">
${main}
</main>
</body>
</html>
`;
}
