import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs, one line per event. Request bodies are never logged, and the fields that can carry
 * personal data or secrets are censored wherever they appear.
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
    destination,
  );
}
