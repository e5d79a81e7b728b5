import { describe, expect, it } from 'vitest';
import { FormTokens } from '../../src/intake/form-token.ts';
import { spamVerdict } from '../../src/intake/spam-verdict.ts';

const secret = 'a-secret-of-enough-length-123';
const hour = 3_600_000;

describe('form tokens', () => {
  it('carry the render time, signed: forged or altered tokens are refused', () => {
    const tokens = new FormTokens(secret, 24);
    const token = tokens.issue(1_000_000);
    expect(tokens.check(token, 1_005_000)).toMatchObject({ ok: true, ageMs: 5_000, expired: false });
    const [time = '', nonce = '', signature = ''] = token.split('.');
    for (const altered of [
      `${(2_000_000).toString(36)}.${nonce}.${signature}`,
      `${time}.${nonce.slice(1)}A.${signature}`,
      `${time}.${nonce}.${signature.slice(1)}A`,
      `${time}.${signature}`,
      `${time}.${nonce}.${nonce}.${signature}`,
    ]) {
      expect(tokens.check(altered, 1_005_000)).toEqual({ ok: false, reason: 'bad_token' });
    }
    expect(new FormTokens('another-secret-of-enough-length', 24).check(token)).toEqual({
      ok: false,
      reason: 'bad_token',
    });
    expect(tokens.check(undefined)).toEqual({ ok: false, reason: 'missing_token' });
    expect(tokens.check(['x'])).toEqual({ ok: false, reason: 'bad_token' });
  });

  it('are unique per render, even in the same millisecond, and identified by a digest only', () => {
    const tokens = new FormTokens(secret, 24);
    const a = tokens.issue(1_000_000);
    const b = tokens.issue(1_000_000);
    expect(a).not.toBe(b);
    const checkA = tokens.check(a, 1_000_500);
    const checkB = tokens.check(b, 1_000_500);
    if (!checkA.ok || !checkB.ok) throw new Error('expected valid tokens');
    expect(checkA.id).not.toBe(checkB.id);
    expect(checkA.id).not.toContain(a.split('.')[2]);
  });

  it('expire after the configured lifetime', () => {
    const tokens = new FormTokens(secret, 2);
    const token = tokens.issue(0);
    expect(tokens.check(token, 2 * hour - 1)).toMatchObject({ ok: true, expired: false });
    expect(tokens.check(token, 2 * hour)).toMatchObject({
      ok: true,
      expired: true,
      expiresAt: new Date(2 * hour),
    });
  });

  it('of the earlier two-part form, from pages rendered before an upgrade, are still read', async () => {
    const { createHmac } = await import('node:crypto');
    const issuedAt = (1_000_000).toString(36);
    const signature = createHmac('sha256', secret).update(`hermes-form:${issuedAt}`).digest('base64url');
    expect(new FormTokens(secret, 24).check(`${issuedAt}.${signature}`, 1_060_000)).toMatchObject({
      ok: true,
      ageMs: 60_000,
    });
  });
});

describe('the spam verdict', () => {
  const tokens = new FormTokens(secret, 24);
  const guards = { tokens, minFillMs: 3_000 };
  const now = 100 * hour;

  it('tells bots, genuine forms and forms left open past their token apart', () => {
    expect(spamVerdict(guards, 'http://spam', tokens.issue(now - 60_000), now)).toEqual({
      kind: 'spam',
      reason: 'honeypot',
    });
    expect(spamVerdict(guards, undefined, tokens.issue(now - 1_000), now)).toEqual({
      kind: 'spam',
      reason: 'too_fast',
    });
    expect(spamVerdict(guards, undefined, undefined, now)).toEqual({ kind: 'spam', reason: 'missing_token' });
    expect(spamVerdict(guards, undefined, tokens.issue(now - 25 * hour), now)).toEqual({ kind: 'expired' });
    const genuine = spamVerdict(guards, '', tokens.issue(now - 60_000), now);
    expect(genuine).toMatchObject({
      kind: 'genuine',
      token: { expiresAt: new Date(now - 60_000 + 24 * hour) },
    });
  });

  it('checks no token when the fill-time check is off', () => {
    expect(spamVerdict({ tokens, minFillMs: 0 }, undefined, 'junk', now)).toEqual({
      kind: 'genuine',
      token: null,
    });
  });
});
