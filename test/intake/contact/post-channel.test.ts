import { describe, expect, it } from 'vitest';
import { ApiKeys, bearerKey } from '../../../src/intake/api-keys.ts';
import { apiClientKey, apiKeyRequired } from '../../../src/intake/contact/api-client-key.ts';
import { judgePost } from '../../../src/intake/contact/judge-post.ts';
import { postChannel } from '../../../src/intake/contact/post-channel.ts';
import { FormTokens } from '../../../src/intake/form-token.ts';

const json = { 'content-type': 'application/json' };
const urlencoded = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };

describe('postChannel: who posted', () => {
  it('a urlencoded post is the form page’s, with or without a token', () => {
    expect(postChannel(urlencoded, 'a.b.c')).toBe('form');
    expect(postChannel(urlencoded, undefined)).toBe('form');
    expect(postChannel({ 'content-type': 'Application/X-WWW-Form-Urlencoded' }, undefined)).toBe('form');
  });

  it('JSON with a form_token (even an empty or forged one) is the page’s script; without one, an API client', () => {
    expect(postChannel(json, 'a.b.c')).toBe('form');
    expect(postChannel(json, '')).toBe('form');
    expect(postChannel(json, null)).toBe('form');
    expect(postChannel(json, undefined)).toBe('api');
    expect(postChannel({}, undefined)).toBe('api');
  });
});

describe('judgePost: which spam checks apply', () => {
  const secret = 'a-test-form-token-secret-0123456789';
  const tokens = new FormTokens(secret, 24);
  const guards = { tokens, minFillMs: 3_000 };
  const now = 100 * 3_600_000;

  it('an API client is judged by the honeypot only: no token, no fill time', () => {
    expect(judgePost('api', guards, { honeypot: undefined, formToken: undefined }, now)).toEqual({
      kind: 'genuine',
      token: null,
    });
    expect(judgePost('api', guards, { honeypot: '', formToken: undefined }, now)).toEqual({
      kind: 'genuine',
      token: null,
    });
    expect(judgePost('api', guards, { honeypot: 'http://spam.example', formToken: undefined }, now)).toEqual({
      kind: 'spam',
      reason: 'honeypot',
    });
  });

  it('a form post is judged by its render token and fill time, as before: no token is spam', () => {
    expect(judgePost('form', guards, { honeypot: undefined, formToken: undefined }, now)).toEqual({
      kind: 'spam',
      reason: 'missing_token',
    });
    expect(judgePost('form', guards, { honeypot: undefined, formToken: 'junk' }, now)).toEqual({
      kind: 'spam',
      reason: 'bad_token',
    });
    expect(
      judgePost('form', guards, { honeypot: undefined, formToken: tokens.issue(now - 1_000) }, now),
    ).toEqual({
      kind: 'spam',
      reason: 'too_fast',
    });
    expect(
      judgePost('form', guards, { honeypot: undefined, formToken: tokens.issue(now - 60_000) }, now),
    ).toMatchObject({ kind: 'genuine', token: { expiresAt: new Date(now - 60_000 + 24 * 3_600_000) } });
    expect(judgePost('form', guards, { honeypot: 'x', formToken: tokens.issue(now - 60_000) }, now)).toEqual({
      kind: 'spam',
      reason: 'honeypot',
    });
  });
});

describe('apiClientKey: whether a post may go on', () => {
  const key = 'intake-key-0123456789abcdef';
  const keys = new ApiKeys([key, 'another-intake-key-0123456789']);

  it('form posts never need a key; API clients need none while no key is configured', () => {
    expect(apiClientKey('form', keys, undefined)).toBe('not_needed');
    expect(apiClientKey('api', new ApiKeys([]), undefined)).toBe('not_needed');
    expect(apiClientKey('api', new ApiKeys([]), 'Bearer anything-at-all')).toBe('not_needed');
  });

  it('with keys configured, an API client sends one of them as a Bearer token', () => {
    expect(apiClientKey('api', keys, `Bearer ${key}`)).toBe('valid');
    expect(apiClientKey('api', keys, 'Bearer another-intake-key-0123456789')).toBe('valid');
    expect(apiClientKey('api', keys, undefined)).toBe('missing');
    expect(apiClientKey('api', keys, key)).toBe('missing');
    expect(apiClientKey('api', keys, `Basic ${key}`)).toBe('missing');
    expect(apiClientKey('api', keys, `Bearer ${key}x`)).toBe('wrong');
  });

  it('is refused 401 with api_key_required, saying nothing was stored', () => {
    for (const standing of ['missing', 'wrong'] as const) {
      const problem = apiKeyRequired(standing);
      expect(problem.statusCode).toBe(401);
      expect(problem.code).toBe('api_key_required');
      expect(problem.message).toMatch(/nothing was stored$/);
    }
  });

  it('reads a Bearer header strictly', () => {
    expect(bearerKey('Bearer abc')).toBe('abc');
    expect(bearerKey('Bearer  abc')).toBeUndefined();
    expect(bearerKey('bearer abc')).toBeUndefined();
    expect(bearerKey(undefined)).toBeUndefined();
  });
});
