import pino, { type Logger } from 'pino';
import { maskPii, maskPiiDeep } from './mask-pii.ts';

export type { Logger };

// A string in a log line is cut to this many characters (a stack trace fits), a line that is not
// JSON to the second: what one request can make the logger read and write stays bounded.
export const maxLoggedStringLength = 4096;
const maxRawLineLength = 16 * 1024;
// Fields that hold a URL or a part of one, wherever they are (pino's `req.url`, the request line's `path`).
const urlFields: ReadonlySet<string> = new Set(['url', 'originalUrl', 'path', 'query']);

/**
 * Masks emails and phone numbers in every log line, whatever put them there (an error message, a
 * URL), and cuts long strings first: masking costs time linear in what is kept, never more.
 */
export function maskingDestination(inner: pino.DestinationStream): pino.DestinationStream {
  return {
    write(line: string) {
      let masked: string;
      try {
        masked = `${JSON.stringify(maskPiiDeep(JSON.parse(line), { maxLength: maxLoggedStringLength, urlFields }))}\n`;
      } catch {
        masked = `${maskPii(line.trimEnd(), { maxLength: maxRawLineLength })}\n`;
      }
      inner.write(masked);
    },
  };
}

/**
 * JSON logs, one line per event. Request bodies are never logged, the fields that can carry
 * personal data or secrets are censored wherever they appear, and what slips through in free
 * text is masked on the way out.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hermes' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["idempotency-key"]',
          '*.email',
          '*.phone_number',
          '*.first_name',
          '*.last_name',
          '*.password',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    maskingDestination(destination ?? pino.destination(1)),
  );
}
