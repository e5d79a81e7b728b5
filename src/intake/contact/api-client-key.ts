import type { ApiKeys } from '../api-keys.ts';
import { bearerKey } from '../api-keys.ts';
import { HttpProblem } from '../http-problem.ts';
import type { PostChannel } from './post-channel.ts';

/**
 * Whether a post may go on: form posts need no key (the render token judges them), nor do API
 * clients while `intake.apiKeys` is empty; otherwise an API client sends `Authorization: Bearer
 * <key>` with one of them. A missing or wrong key is the caller's error: refused, nothing stored.
 */
export function apiClientKey(
  channel: PostChannel,
  keys: ApiKeys,
  authorization: string | undefined,
): 'not_needed' | 'valid' | 'missing' | 'wrong' {
  if (channel === 'form' || keys.none) return 'not_needed';
  const presented = bearerKey(authorization);
  if (presented === undefined) return 'missing';
  return keys.match(presented) === undefined ? 'wrong' : 'valid';
}

export function apiKeyRequired(standing: 'missing' | 'wrong'): HttpProblem {
  return new HttpProblem(
    'api_key_required',
    standing === 'missing'
      ? 'this post needs an intake API key (Authorization: Bearer <key>); nothing was stored'
      : 'this intake API key is not valid; nothing was stored',
  );
}
