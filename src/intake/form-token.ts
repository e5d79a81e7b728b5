import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TokenCheck =
  | {
      ok: true;
      ageMs: number;
      /** When it stops being accepted (its render time plus the configured lifetime). */
      expiresAt: Date;
      expired: boolean;
      /** What marks the token used: a digest, so the table never holds a token that could be replayed. */
      id: string;
    }
  | { ok: false; reason: 'missing_token' | 'bad_token' };

const issuedAtPattern = /^[0-9a-z]{1,12}$/;
const noncePattern = /^[0-9A-Za-z_-]{16}$/;

/**
 * The form page's signed render time: `<issued at, base 36>.<nonce>.<HMAC-SHA256>`. A submission
 * carries it back, so the server knows how long the form was open without keeping any state; the
 * nonce tells two pages rendered in the same millisecond apart, so each token is good for one lead.
 * Tokens of the earlier `<issued at>.<HMAC>` form, from pages rendered before an upgrade, are still
 * read: a page open across a deployment is a real person's.
 */
export class FormTokens {
  readonly #key: Buffer;
  readonly #lifetimeMs: number;

  constructor(secret: string, lifetimeHours: number) {
    this.#key = Buffer.from(secret, 'utf8');
    this.#lifetimeMs = lifetimeHours * 3_600_000;
  }

  #sign(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(`hermes-form:${payload}`).digest();
  }

  issue(now: number = Date.now()): string {
    const payload = `${now.toString(36)}.${randomBytes(12).toString('base64url')}`;
    return `${payload}.${this.#sign(payload).toString('base64url')}`;
  }

  check(token: unknown, now: number = Date.now()): TokenCheck {
    if (token === undefined || token === '') return { ok: false, reason: 'missing_token' };
    if (typeof token !== 'string' || token.length > 100) return { ok: false, reason: 'bad_token' };
    const parts = token.split('.');
    const [issuedAt = '', nonce] = parts;
    const signature = parts.at(-1) ?? '';
    const wellFormed =
      issuedAtPattern.test(issuedAt) &&
      (parts.length === 2 || (parts.length === 3 && noncePattern.test(nonce ?? '')));
    if (!wellFormed) return { ok: false, reason: 'bad_token' };
    const given = Buffer.from(signature, 'base64url');
    const expected = this.#sign(parts.slice(0, -1).join('.'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, reason: 'bad_token' };
    }
    const issuedAtMs = parseInt(issuedAt, 36);
    const expiresAt = issuedAtMs + this.#lifetimeMs;
    return {
      ok: true,
      ageMs: now - issuedAtMs,
      expiresAt: new Date(expiresAt),
      expired: now >= expiresAt,
      id: createHash('sha256').update(token).digest('base64url'),
    };
  }
}
