import {
  clientRules,
  countries,
  leadFields,
  serviceUrgencies,
  urgencyLabels,
  type LeadField,
} from '../../leads/lead-rules.ts';
import { escapeHtml } from '../../text/escape-html.ts';
import type { PageAssets } from '../page-assets.ts';
import { assetTag, pageLayout } from './page-layout.ts';

export interface FormPageOptions {
  formToken: string;
  honeypotField: string;
  privacyPolicyVersion: string;
  privacyPolicyUrl: string;
  assets: PageAssets;
  /** What the visitor typed, when the page is shown again after a failed submission. */
  values?: Readonly<Record<string, unknown>>;
  errors?: Readonly<Partial<Record<string, string>>>;
  /** A message over the form (rate limited, database unavailable). */
  notice?: string;
}

const autocomplete: Readonly<Partial<Record<LeadField, string>>> = {
  first_name: 'given-name',
  last_name: 'family-name',
  email: 'email',
  country: 'country',
  phone_number: 'tel',
};

function text(values: FormPageOptions['values'], name: string): string {
  const value = values?.[name];
  return typeof value === 'string' ? value : '';
}

function fieldAttributes(name: LeadField, error: string | undefined): string {
  return `id="f-${name}" name="${name}" aria-describedby="e-${name}"${error ? ' aria-invalid="true"' : ''}`;
}

function errorSlot(name: LeadField, error: string | undefined): string {
  return `<p class="error" id="e-${name}">${error ? escapeHtml(error) : ''}</p>`;
}

function control(name: LeadField, options: FormPageOptions): string {
  const rule = leadFields[name];
  const error = options.errors?.[name];
  const value = text(options.values, name);
  const attrs = fieldAttributes(name, error);
  const auto = autocomplete[name] ? ` autocomplete="${autocomplete[name]}"` : '';
  const lengths = `${'minLength' in rule ? ` minlength="${rule.minLength}"` : ''}${'maxLength' in rule ? ` maxlength="${rule.maxLength}"` : ''}`;
  switch (rule.kind) {
    case 'consent': {
      const checked = options.values?.[name] !== undefined && options.values[name] !== '' ? ' checked' : '';
      const label =
        name === 'privacy_consent'
          ? `${escapeHtml(rule.label)} (<a href="${escapeHtml(options.privacyPolicyUrl)}">privacy policy</a>, version ${escapeHtml(options.privacyPolicyVersion)})`
          : escapeHtml(rule.label);
      return `<div class="field consent"><input type="checkbox" value="on" required ${attrs}${checked}><label for="f-${name}">${label}</label>${errorSlot(name, error)}</div>`;
    }
    case 'country': {
      const selected = value.toUpperCase();
      const choices = countries
        .map(
          (c) =>
            `<option value="${c.code}"${c.code === selected ? ' selected' : ''}>${escapeHtml(c.name)}</option>`,
        )
        .join('');
      return `<div class="field"><label for="f-${name}">${rule.label}</label><select required ${attrs}${auto}><option value="">Choose a country</option>${choices}</select>${errorSlot(name, error)}</div>`;
    }
    case 'urgency': {
      const choices = serviceUrgencies
        .map(
          (u) =>
            `<option value="${u}"${u === value ? ' selected' : ''}>${escapeHtml(urgencyLabels[u])}</option>`,
        )
        .join('');
      return `<div class="field"><label for="f-${name}">${rule.label}</label><select required ${attrs}><option value="">Choose how urgent it is</option>${choices}</select>${errorSlot(name, error)}</div>`;
    }
    case 'textarea':
      return `<div class="field wide"><label for="f-${name}">${rule.label}</label><textarea rows="6" required ${attrs}${lengths}>${escapeHtml(value)}</textarea>${errorSlot(name, error)}</div>`;
    default: {
      const type = rule.kind === 'email' ? 'email' : rule.kind === 'tel' ? 'tel' : 'text';
      return `<div class="field"><label for="f-${name}">${rule.label}</label><input type="${type}" required ${attrs}${auto}${lengths} value="${escapeHtml(value)}">${errorSlot(name, error)}</div>`;
    }
  }
}

/** JSON inside a script element: `<` escaped so no value can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The contact form: works without JavaScript (a urlencoded POST), checks as the server does with it. */
export function renderFormPage(options: FormPageOptions): string {
  const fields = (Object.keys(leadFields) as LeadField[]).map((name) => control(name, options)).join('\n');
  const rules = { ...(clientRules() as object), honeypotField: options.honeypotField };
  const notice = options.notice ?? '';
  return pageLayout(
    'Contact Hermes Security',
    `<h1>Contact Hermes Security</h1>
<p class="intro">Tell us what is happening. We answer emergencies around the clock. Every field is required.</p>
<div id="form-notice" class="notice" role="alert"${notice ? '' : ' hidden'}>${escapeHtml(notice)}</div>
<form id="contact-form" method="post" action="/api/contact">
<input type="hidden" name="form_token" value="${escapeHtml(options.formToken)}">
<input type="hidden" name="privacy_policy_version" value="${escapeHtml(options.privacyPolicyVersion)}">
<div class="hp" aria-hidden="true"><label for="f-hp">Leave this field empty</label><input type="text" id="f-hp" name="${escapeHtml(options.honeypotField)}" tabindex="-1" autocomplete="off"></div>
<div class="grid">
${fields}
</div>
<button type="submit" id="submit">Send request</button>
</form>
<section id="confirmation" class="confirmation" hidden tabindex="-1" aria-labelledby="confirmation-title">
<h2 id="confirmation-title">Thank you, we have your request</h2>
<p>Your reference is <strong class="lead-ref" id="lead-ref"></strong>. Quote it when you talk to us.</p>
</section>
<script type="application/json" id="lead-rules">${scriptJson(rules)}</script>`,
    options.assets,
    `${assetTag(options.assets, 'contact-form.js')}\n`,
  );
}
