import { describeAsset } from '../../../src/intake/page-assets.ts';
import { describe, expect, it } from 'vitest';
import {
  fieldsNotValid,
  idempotencyKeyReused,
  leadMayNotBeStored,
  resendAfterS,
  sendAgain,
  tooManySubmissions,
} from '../../../src/intake/contact/contact-problems.ts';
import {
  fieldNotices,
  pageTokenAgain,
  refusedFormPage,
} from '../../../src/intake/contact/refused-form-page.ts';

const field = { field: 'email', expected: 'an email address', got: '"x"' };

describe('the contact refusals', () => {
  it('carry their status, Retry-After and body, and say whether anything was stored', () => {
    expect(tooManySubmissions(42)).toMatchObject({ statusCode: 429, code: 'rate_limited', retryAfterS: 42 });
    expect(fieldsNotValid([field]).body()).toEqual({
      error: {
        code: 'validation_failed',
        message: '1 field is not valid; nothing was stored',
        fields: [field],
      },
    });
    expect(fieldsNotValid([field, field]).message).toBe('2 fields are not valid; nothing was stored');
    expect(idempotencyKeyReused()).toMatchObject({ statusCode: 422, code: 'idempotency_key_reused' });
    expect(leadMayNotBeStored(5)).toMatchObject({
      statusCode: 503,
      code: 'database_unavailable',
      retryAfterS: 5,
    });
    expect(leadMayNotBeStored(5).message).toContain('may not have been stored');
  });

  it('ask for a form to be sent again with a fresh token, after the fill time', () => {
    const expired = sendAgain('form_token_expired', 'fresh', 3);
    expect(expired).toMatchObject({ statusCode: 409, code: 'form_token_expired', retryAfterS: 3 });
    expect(expired.body().error).toMatchObject({ form_token: 'fresh', retry_after_s: 3 });
    expect(sendAgain('form_token_used', 'fresh', 3).message).toContain('already been sent once');
    expect([0, 1, 999, 1000, 1001, 3000].map(resendAfterS)).toEqual([1, 1, 1, 1, 2, 3]);
  });
});

describe('the form page shown again', () => {
  it('keeps its token (and so its fill time) unless the answer brings a fresh one', () => {
    expect(pageTokenAgain(sendAgain('form_token_used', 'fresh', 1), 'kept')).toBe('fresh');
    expect(pageTokenAgain(tooManySubmissions(1), 'kept')).toBe('kept');
    expect(pageTokenAgain(tooManySubmissions(1), 'x'.repeat(101))).toBeUndefined();
    expect(pageTokenAgain(tooManySubmissions(1), 7)).toBeUndefined();
  });

  it('marks the fields at fault, or shows the problem over the form, and keeps what was typed', () => {
    const settings = {
      honeypotField: 'website',
      privacyPolicyVersion: '2025-06',
      privacyPolicyUrl: '/privacy',
      assets: {
        baseUrl: '/assets',
        files: [
          describeAsset('contact-form.css', Buffer.from('a')),
          describeAsset('contact-form.js', Buffer.from('b')),
        ],
      },
    };
    expect(fieldNotices([field])).toEqual({ email: 'Expected an email address.' });
    const invalid = refusedFormPage(
      fieldsNotValid([field]),
      { values: { first_name: 'Ada' }, fields: [field], formToken: 'tok' },
      settings,
    );
    expect(invalid).toContain('Please correct the fields marked below.');
    expect(invalid).toContain('Expected an email address.');
    expect(invalid).toContain('Ada');
    const limited = refusedFormPage(tooManySubmissions(1), { values: {}, formToken: 'tok' }, settings);
    expect(limited).toContain('too many submissions from this address');
  });
});
