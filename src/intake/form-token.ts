import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenCheck = { ok: true; ageMs: number } | { ok: false; reason: 'missing_token' | 'bad_token' };

/**
 * The form page's signed render time: `<issued at, base 36>.<HMAC-SHA256>`. A submission carries
 * it back, so the server knows how long the form was open without keeping any state.
 */
export class FormTokens {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = Buffer.from(secret, 'utf8');
  }

  #sign(issuedAt: string): Buffer {
    return createHmac('sha256', this.#key).update(`hermes-form:${issuedAt}`).digest();
  }

  issue(now: number = Date.now()): string {
    const issuedAt = now.toString(36);
    return `${issuedAt}.${this.#sign(issuedAt).toString('base64url')}`;
  }

  check(token: unknown, now: number = Date.now()): TokenCheck {
    if (token === undefined || token === '') return { ok: false, reason: 'missing_token' };
    if (typeof token !== 'string' || token.length > 100) return { ok: false, reason: 'bad_token' };
    const [issuedAt = '', signature = ''] = token.split('.');
    const given = Buffer.from(signature, 'base64url');
    const expected = this.#sign(issuedAt);
    if (
      !/^[0-9a-z]{1,12}$/.test(issuedAt) ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      return { ok: false, reason: 'bad_token' };
    }
    return { ok: true, ageMs: now - parseInt(issuedAt, 36) };
  }
}
