import type { IncomingHttpHeaders } from 'node:http';

/** How `POST /api/contact` answers: a page for a browser without JavaScript, JSON for everyone else. */
export type AnswerFormat = 'html' | 'json';

/** A form posted by a browser (urlencoded, and it accepts HTML) gets HTML back; everyone else JSON. */
export function answerFormat(headers: Pick<IncomingHttpHeaders, 'content-type' | 'accept'>): AnswerFormat {
  const formPost = (headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  return formPost && (headers.accept ?? '').includes('text/html') ? 'html' : 'json';
}
