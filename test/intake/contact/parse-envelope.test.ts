import { describe, expect, it } from 'vitest';
import { checkIdempotencyKey, isRetryOf } from '../../../src/intake/contact/idempotency-key.ts';
import {
  checkPolicyVersion,
  parseEnvelope,
  type EnvelopeRules,
} from '../../../src/intake/contact/parse-envelope.ts';
import { validLead as postedLead } from '../support/start-intake.ts';

const rules: EnvelopeRules = {
  honeypotField: 'website',
  privacyPolicyVersion: '2025-06',
  acceptedPrivacyPolicyVersions: ['2025-01'],
  idempotencyTtlHours: 24,
};

describe('parseEnvelope', () => {
  it('takes the envelope (form token, honeypot, policy version) off the lead and keeps the values typed', () => {
    const body = postedLead({ form_token: 't.n.s', website: '', privacy_policy_version: '2025-01' });
    const envelope = parseEnvelope(body, 'key-1', rules);
    expect(envelope).toMatchObject({ formToken: 't.n.s', honeypot: '', values: body });
    expect(envelope.submission).toMatchObject({
      ok: true,
      lead: { first_name: 'Ada', email: body.email },
      privacyPolicyVersion: '2025-01',
      idempotency: { key: 'key-1', ttlHours: 24 },
    });
    if (!envelope.submission.ok) throw new Error('expected an acceptable submission');
    expect(envelope.submission.leadHash).toMatch(/^[0-9a-f]{64}$/);
    expect(envelope.submission.idempotency?.requestHash).toBe(envelope.submission.leadHash);
  });

  it('gives the current policy version when none is posted, and no idempotency without a key', () => {
    const { submission } = parseEnvelope(postedLead(), undefined, rules);
    expect(submission).toMatchObject({ ok: true, privacyPolicyVersion: '2025-06', idempotency: undefined });
  });

  it('hashes the normalised lead: the same lead typed differently is the same retry', () => {
    const a = parseEnvelope(postedLead({ email: 'ada@example.com' }), 'k', rules).submission;
    const b = parseEnvelope(
      postedLead({ email: '  ADA@example.com ', form_token: 'other' }),
      'k',
      rules,
    ).submission;
    const c = parseEnvelope(postedLead({ first_name: 'Grace' }), 'k', rules).submission;
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected acceptable submissions');
    expect(b.leadHash).toBe(a.leadHash);
    expect(c.leadHash).not.toBe(a.leadHash);
  });

  it('names every field at fault: the lead first, then the policy version, then the key', () => {
    const { submission } = parseEnvelope(
      postedLead({ email: 'not an email', privacy_policy_version: '1999' }),
      'has a space',
      rules,
    );
    expect(submission.ok).toBe(false);
    if (submission.ok) return;
    expect(submission.fields.map((f) => f.field)).toEqual([
      'email',
      'privacy_policy_version',
      'Idempotency-Key',
    ]);
  });

  it('refuses a valid lead with a bad envelope, and names a body that is not an object', () => {
    expect(parseEnvelope(postedLead(), ['a', 'b'], rules).submission).toMatchObject({
      ok: false,
      fields: [{ field: 'Idempotency-Key' }],
    });
    const array = parseEnvelope([1, 2], undefined, rules);
    expect(array.values).toEqual({});
    expect(array.submission).toMatchObject({ ok: false, fields: [{ field: '(body)' }] });
  });
});

describe('checkPolicyVersion', () => {
  it('accepts none, the current and the earlier accepted versions; names the published ones otherwise', () => {
    expect(checkPolicyVersion(undefined, rules)).toBeUndefined();
    expect(checkPolicyVersion('2025-06', rules)).toBeUndefined();
    expect(checkPolicyVersion('2025-01', rules)).toBeUndefined();
    expect(checkPolicyVersion(7, rules)).toMatchObject({
      field: 'privacy_policy_version',
      expected: 'a privacy policy version this site published (2025-06, 2025-01)',
    });
  });
});

describe('Idempotency-Key', () => {
  it('is optional; when sent, 1 to 255 visible ASCII characters, once', () => {
    expect(checkIdempotencyKey(undefined)).toBeUndefined();
    expect(checkIdempotencyKey('0b8f2c1e-7d4a-4f0e-9a51-3c2d1e0f9a8b')).toBeUndefined();
    expect(checkIdempotencyKey('x'.repeat(255))).toBeUndefined();
    for (const bad of ['', 'x'.repeat(256), 'a b', 'é', ['a', 'b']]) {
      expect(checkIdempotencyKey(bad)).toMatchObject({ field: 'Idempotency-Key' });
    }
  });

  it('a stored answer is this request’s only when it came with the same lead', () => {
    const idempotency = { key: 'k', requestHash: 'h1', ttlHours: 24 };
    expect(isRetryOf({ requestHash: 'h1' }, idempotency)).toBe(true);
    expect(isRetryOf({ requestHash: 'h2' }, idempotency)).toBe(false);
    expect(isRetryOf(undefined, idempotency)).toBe(false);
  });
});
