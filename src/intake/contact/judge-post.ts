import { apiSpamVerdict, spamVerdict, type SpamGuards, type Verdict } from '../spam-verdict.ts';
import type { Envelope } from './parse-envelope.ts';
import type { PostChannel } from './post-channel.ts';

/**
 * Which spam checks a post gets: a form post the honeypot, its render token and the minimum fill
 * time measured from it (a form post without a token is spam); an API client only the honeypot,
 * as it never rendered the form (its key, if keys are configured, is checked before this).
 */
export function judgePost(
  channel: PostChannel,
  guards: SpamGuards,
  envelope: Pick<Envelope, 'honeypot' | 'formToken'>,
  now = Date.now(),
): Verdict {
  return channel === 'form'
    ? spamVerdict(guards, envelope.honeypot, envelope.formToken, now)
    : apiSpamVerdict(envelope.honeypot);
}
