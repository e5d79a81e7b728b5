import { redact } from '../../../config/redact.ts';
import { redactErrorText } from '../../../delivery/redact-error-text.ts';

/** Enough of a health answer to say why it is not 200; the endpoints answer small JSON. */
const maxExcerpt = 200;

/**
 * A response body fit for a report: JSON with secret-named keys and URL credentials masked
 * (health answers may name n8n's URL), other text with its URLs masked, cut to a short excerpt.
 */
export function bodyExcerpt(body: string): string {
  let shown: string;
  try {
    shown = JSON.stringify(redact(JSON.parse(body) as unknown));
  } catch {
    shown = redactErrorText(body.replace(/\s+/g, ' ').trim());
  }
  return shown.length <= maxExcerpt ? shown : `${shown.slice(0, maxExcerpt)}…`;
}
