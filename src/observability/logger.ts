import pino, { type Logger } from 'pino';
import { isColorSupported, prettyFactory } from 'pino-pretty';
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

/** `json`: one JSON object a line, for machines; `pretty`: pino-pretty's lines, for a developer's terminal. */
export type LogFormat = 'json' | 'pretty';

export interface LogFormatInputs {
  /** `--pretty` (true) or `--no-pretty` (false); undefined when neither was given. */
  readonly flag: boolean | undefined;
  /** `log.format`. */
  readonly configured: 'auto' | LogFormat;
  readonly environment: string;
  readonly stdoutIsTerminal: boolean;
}

/** The flag wins, then `log.format`; `auto` is pretty only for a developer at a terminal. */
export function chooseLogFormat(inputs: LogFormatInputs): LogFormat {
  if (inputs.flag !== undefined) return inputs.flag ? 'pretty' : 'json';
  if (inputs.configured !== 'auto') return inputs.configured;
  return inputs.stdoutIsTerminal && inputs.environment === 'development' ? 'pretty' : 'json';
}

/**
 * Rewrites each JSON line as pino-pretty's text, in the same write: no worker thread and no
 * stream buffering, so a line logged just before exit is not lost.
 */
export function prettyDestination(inner: pino.DestinationStream, colorize: boolean): pino.DestinationStream {
  const format = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
  return {
    write(line: string) {
      inner.write(format(line.trimEnd()));
    },
  };
}

export interface LoggerOptions {
  readonly format?: LogFormat;
  /** Pretty lines only; default: when the terminal supports colours (NO_COLOR and FORCE_COLOR count). */
  readonly colorize?: boolean;
}

/**
 * One line per event, JSON unless `format` is pretty. Request bodies are never logged, the fields
 * that can carry personal data or secrets are censored wherever they appear, and what slips
 * through in free text is masked on the way out, before any pretty printing.
 */
export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  options: LoggerOptions = {},
): Logger {
  const out = destination ?? pino.destination(1);
  const written =
    options.format === 'pretty' ? prettyDestination(out, options.colorize ?? isColorSupported) : out;
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
          // An admin key: the E2E gate marks its lead synthetic with it.
          'req.headers["hermes-synthetic"]',
          '*.email',
          '*.phone_number',
          '*.problem_description',
          '*.first_name',
          '*.last_name',
          '*.password',
          '*.secret',
        ],
        censor: '[redacted]',
      },
    },
    maskingDestination(written),
  );
}
