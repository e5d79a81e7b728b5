import { redactErrorText } from '../../../delivery/redact-error-text.ts';
import { errorMessage } from '../../../errors/error-message.ts';

/**
 * `path` on the release's URL, keeping any path the URL has (a release served under a prefix):
 * `new URL(path, base)` would drop it.
 */
export function releaseEndpoint(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** The URL as a report shows it: no credentials, no query string. */
export function shownUrl(raw: string): string {
  if (!URL.canParse(raw)) return '(not a URL)';
  const url = new URL(raw);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** Why a request got no answer: fetch's own "fetch failed" says nothing, its cause does. */
export function requestFailure(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  return redactErrorText(cause?.message ?? errorMessage(error));
}
