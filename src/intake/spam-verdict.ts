import type { FormTokens } from './form-token.ts';

export interface SpamGuards {
  readonly tokens: FormTokens;
  readonly minFillMs: number;
}

export type SpamReason = 'honeypot' | 'too_fast' | 'missing_token' | 'bad_token';

export type Verdict =
  /** `token`: the checked form token to mark used with the lead (null when the fill-time check is off). */
  | { readonly kind: 'genuine'; readonly token: { readonly id: string; readonly expiresAt: Date } | null }
  | { readonly kind: 'spam'; readonly reason: SpamReason }
  /** A real form whose token has expired: no bot signal, but it must be sent again with a fresh one. */
  | { readonly kind: 'expired' };

function isHoneypotFilled(honeypot: unknown): boolean {
  return typeof honeypot === 'string' && honeypot !== '';
}

/**
 * What a form post looks like: a bot's (a filled honeypot, a non-empty string; or, when a minimum
 * fill time is set, a form token that is missing, forged or too fresh), a genuine one, or a form
 * left open past its token's lifetime — which is a real person, who gets a fresh token, not a
 * spam verdict.
 */
export function spamVerdict(
  guards: SpamGuards,
  honeypot: unknown,
  token: unknown,
  now = Date.now(),
): Verdict {
  if (isHoneypotFilled(honeypot)) return { kind: 'spam', reason: 'honeypot' };
  if (guards.minFillMs === 0) return { kind: 'genuine', token: null };
  const check = guards.tokens.check(token, now);
  if (!check.ok) return { kind: 'spam', reason: check.reason };
  if (check.ageMs < guards.minFillMs) return { kind: 'spam', reason: 'too_fast' };
  if (check.expired) return { kind: 'expired' };
  return { kind: 'genuine', token: { id: check.id, expiresAt: check.expiresAt } };
}

/**
 * An API client's post (JSON without a form token): it never rendered the form, so it has no
 * token and no fill time to measure; only the honeypot (a bot filling every field it finds) tells.
 */
export function apiSpamVerdict(honeypot: unknown): Verdict {
  return isHoneypotFilled(honeypot) ? { kind: 'spam', reason: 'honeypot' } : { kind: 'genuine', token: null };
}
