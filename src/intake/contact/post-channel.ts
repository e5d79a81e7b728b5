import type { IncomingHttpHeaders } from 'node:http';

/**
 * Who posted: the form page (`form`: a browser's urlencoded post, or the page's script posting
 * JSON with the page's `form_token`) or an API client (`api`: JSON without a form token, e.g. a
 * website's backend). A form post is judged by its render token; an API client has none to send.
 */
export type PostChannel = 'form' | 'api';

export function postChannel(
  headers: Pick<IncomingHttpHeaders, 'content-type'>,
  formToken: unknown,
): PostChannel {
  const urlencoded = (headers['content-type'] ?? '')
    .toLowerCase()
    .startsWith('application/x-www-form-urlencoded');
  // Any form_token, even an empty or malformed one, is the page's: judged (and refused) as a form's.
  return urlencoded || formToken !== undefined ? 'form' : 'api';
}
