import type { FormTokens } from './form-token.ts';

export interface SpamGuards {
  readonly tokens: FormTokens;
  readonly minFillMs: number;
  readonly maxAgeMs: number;
}

/**
 * Why a submission looks like a bot's, or null: a filled honeypot, or (when a minimum fill time
 * is set) a form token that is missing, forged, too fresh or too old.
 */
export function spamVerdict(
  guards: SpamGuards,
  honeypot: unknown,
  token: unknown,
  now = Date.now(),
): string | null {
  if (honeypot !== undefined && honeypot !== '') return 'honeypot';
  if (guards.minFillMs === 0) return null;
  const check = guards.tokens.check(token, now);
  if (!check.ok) return check.reason;
  if (check.ageMs < guards.minFillMs) return 'too_fast';
  if (check.ageMs > guards.maxAgeMs) return 'expired_token';
  return null;
}
