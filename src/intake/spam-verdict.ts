import type { FormTokens } from './form-token.ts';

export interface SpamGuards {
  readonly tokens: FormTokens;
  readonly minFillMs: number;
}

/**
 * Why a submission looks like a bot's, or null: a filled honeypot (a non-empty string), or (when a
 * minimum fill time is set) a form token that is missing, forged or too fresh. An old token is no
 * bot signal (the fill time has obviously passed): a page left open for days is a real lead.
 */
export function spamVerdict(
  guards: SpamGuards,
  honeypot: unknown,
  token: unknown,
  now = Date.now(),
): string | null {
  if (typeof honeypot === 'string' && honeypot !== '') return 'honeypot';
  if (guards.minFillMs === 0) return null;
  const check = guards.tokens.check(token, now);
  if (!check.ok) return check.reason;
  if (check.ageMs < guards.minFillMs) return 'too_fast';
  return null;
}
