import { redactUrl } from '../config/redact.ts';

/** A URL inside free text (global: for `replace`). */
export const urlInText = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/** An error text safe to store, log or answer: each URL in it has its password and secret parameters masked. */
export function redactErrorText(text: string): string {
  return text.replace(urlInText, (url) => redactUrl(url));
}
