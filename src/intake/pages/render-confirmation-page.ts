import { escapeHtml } from '../../text/escape-html.ts';
import type { PageAssets } from '../page-assets.ts';
import { pageLayout } from './page-layout.ts';

/** The answer to a form posted without JavaScript: the lead's reference. */
export function renderConfirmationPage(leadId: string, assets: PageAssets): string {
  return pageLayout(
    'Request received: Hermes Security',
    `<section class="confirmation" aria-labelledby="confirmation-title">
<h1 id="confirmation-title">Thank you, we have your request</h1>
<p>Your reference is <strong class="lead-ref" data-lead-id="${escapeHtml(leadId)}">${escapeHtml(leadId)}</strong>. Quote it when you talk to us.</p>
<p><a href="/">Send another request</a></p>
</section>`,
    assets,
  );
}
