import { leadFields } from '../../leads/lead-rules.ts';
import { escapeHtml } from '../../text/escape-html.ts';
import type { PageAssets } from '../page-assets.ts';
import { pageLayout } from './page-layout.ts';

/** `/privacy`: what is kept, why, and for how long. */
export function renderPrivacyPage(
  privacyPolicyVersion: string,
  retentionDays: number,
  assets: PageAssets,
): string {
  const kept = Object.values(leadFields)
    .filter((f) => f.kind !== 'consent')
    .map((f) => escapeHtml(f.label.toLowerCase()))
    .join(', ');
  return pageLayout(
    'Privacy: Hermes Security contact form',
    `<h1>How we handle your request</h1>
<p>Privacy policy version ${escapeHtml(privacyPolicyVersion)}.</p>
<p>We keep what you send us (${kept}) to answer your request, and forward it to our team's workflow system.</p>
<p>Requests are anonymised after ${String(retentionDays)} days. You can ask us for a copy of your data, or for its erasure, at any time.</p>
<p><a href="/">Back to the contact form</a></p>`,
    assets,
  );
}
