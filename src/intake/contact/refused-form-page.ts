import type { HermesConfig } from '../../config/schema.ts';
import type { FieldError } from '../../leads/validate-lead.ts';
import type { HttpProblem } from '../http-problem.ts';
import type { PageAssets } from '../page-assets.ts';
import { renderFormPage } from '../pages/render-form-page.ts';

export type FormPageSettings = Pick<
  HermesConfig['intake'],
  'honeypotField' | 'privacyPolicyVersion' | 'privacyPolicyUrl'
> & { readonly assets: PageAssets };

// Longer than any token this service issues: not a token, so not put back on the page.
const maxKeptTokenLength = 100;

/**
 * The token of the form page shown again: the fresh one the answer brings, else the page's own (so
 * its fill time still counts), else undefined (the caller issues one).
 */
export function pageTokenAgain(problem: HttpProblem, posted: unknown): string | undefined {
  const { form_token: fresh } = problem.extra;
  if (typeof fresh === 'string') return fresh;
  return typeof posted === 'string' && posted.length <= maxKeptTokenLength ? posted : undefined;
}

/** Each field at fault with what it expects, as the page shows it under the field. */
export function fieldNotices(fields: readonly FieldError[]): Record<string, string> {
  return Object.fromEntries(fields.map((p) => [p.field, `Expected ${p.expected}.`]));
}

/**
 * The form page again, for a browser without JavaScript whose post was refused: what was typed,
 * the fields at fault (when that is why) or the problem's sentence over the form.
 */
export function refusedFormPage(
  problem: HttpProblem,
  page: {
    readonly values: Readonly<Record<string, unknown>>;
    readonly fields?: readonly FieldError[] | undefined;
    readonly formToken: string;
  },
  settings: FormPageSettings,
): string {
  const errors = page.fields ? fieldNotices(page.fields) : undefined;
  return renderFormPage({
    formToken: page.formToken,
    honeypotField: settings.honeypotField,
    privacyPolicyVersion: settings.privacyPolicyVersion,
    privacyPolicyUrl: settings.privacyPolicyUrl,
    assets: settings.assets,
    values: page.values,
    ...(errors ? { errors } : {}),
    notice: errors ? 'Please correct the fields marked below.' : problem.message,
  });
}
