import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emailLimitKey, leadToStore, storedOutcome } from '../../../src/intake/contact/lead-to-store.ts';
import { parseEnvelope, type AcceptableSubmission } from '../../../src/intake/contact/parse-envelope.ts';
import { validLead as postedLead } from '../support/start-intake.ts';

function submission(): AcceptableSubmission {
  const { submission: parsed } = parseEnvelope(postedLead(), undefined, {
    honeypotField: 'website',
    privacyPolicyVersion: '2025-06',
    acceptedPrivacyPolicyVersions: [],
    idempotencyTtlHours: 24,
  });
  if (!parsed.ok) throw new Error('expected an acceptable submission');
  return parsed;
}

const token = { id: 'token-id', expiresAt: new Date('2026-01-01T00:00:00Z') };
const api = { channel: 'api', overEmailLimit: false, synthetic: false } as const;

describe('leadToStore', () => {
  it('stores a genuine lead with its form token marked used, keyed to the lead', () => {
    const s = submission();
    const row = leadToStore(s, { kind: 'genuine', token }, { ...api, channel: 'form' });
    expect(row).toEqual({
      lead: s.lead,
      source: 'web-form',
      privacyPolicyVersion: '2025-06',
      spamReason: null,
      reviewReason: null,
      formToken: { ...token, requestHash: s.leadHash },
    });
    expect(storedOutcome(row)).toBe('accepted');
  });

  it('flags spam (never forwarded) and marks no token; past the email limit a lead is flagged, not refused', () => {
    const spam = leadToStore(submission(), { kind: 'spam', reason: 'honeypot' }, api);
    expect(spam).toMatchObject({ spamReason: 'honeypot', formToken: null, source: 'api' });
    expect(storedOutcome(spam)).toBe('spam');
    const busy = leadToStore(
      submission(),
      { kind: 'genuine', token: null },
      { ...api, overEmailLimit: true },
    );
    expect(busy).toMatchObject({ spamReason: null, reviewReason: 'over_email_limit', formToken: null });
    expect(storedOutcome(busy)).toBe('accepted');
  });

  it('calls a lead a web-form lead when it was posted (and judged) as a form post, else an API lead', () => {
    const genuine = { kind: 'genuine', token: null } as const;
    expect(leadToStore(submission(), genuine, api).source).toBe('api');
    expect(leadToStore(submission(), genuine, { ...api, channel: 'form' }).source).toBe('web-form');
  });

  it("marks a gate's synthetic lead as such whichever way it came, and never counts it as a person's", () => {
    const genuine = { kind: 'genuine', token: null } as const;
    for (const channel of ['form', 'api'] as const) {
      const row = leadToStore(submission(), genuine, { ...api, channel, synthetic: true });
      expect(row.source).toBe('deployment-test');
      expect(storedOutcome(row)).toBe('synthetic');
    }
    // Spam stays spam, marker or not: the marker is no way past the spam guards.
    const spam = leadToStore(submission(), { kind: 'spam', reason: 'honeypot' }, { ...api, synthetic: true });
    expect(storedOutcome(spam)).toBe('spam');
  });
});

describe('emailLimitKey', () => {
  it('counts only genuine leads, by a hash of the email (a bot must not use up a real person’s limit)', () => {
    const s = submission();
    const key = emailLimitKey(s, { kind: 'genuine', token: null }, false);
    // The SHA-256 of the address itself, so the address is not in the key (a check for a few of its
    // letters could also match the hex digits: "ada" is hex).
    expect(key).toBe(`email:${createHash('sha256').update(s.lead.email).digest('hex')}`);
    expect(key).not.toContain(s.lead.email);
    expect(emailLimitKey(submission(), { kind: 'spam', reason: 'too_fast' }, false)).toBeUndefined();
    // A gate's synthetic lead uses up nobody's limit.
    expect(emailLimitKey(s, { kind: 'genuine', token: null }, true)).toBeUndefined();
  });
});
