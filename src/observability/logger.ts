import pino, { type Logger } from 'pino';
import { maskPii, maskPiiDeep } from './mask-pii.ts';

export type { Logger };

/** Masks emails and phone numbers in every log line, whatever put them there (an error message, a URL). */
export function maskingDestination(inner: pino.DestinationStream): pino.DestinationStream {
  return {
    write(line: string) {
      let masked: string;
      try {
        masked = `${JSON.stringify(maskPiiDeep(JSON.parse(line)))}\n`;
      } catch {
        masked = maskPii(line);
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
