import { describe, expect, it } from 'vitest';
import {
  chooseLogFormat,
  createLogger,
  maskingDestination,
  maxLoggedStringLength,
  type LogFormatInputs,
} from '../../src/observability/logger.ts';
import { truncationMarker } from '../../src/observability/mask-pii.ts';

function capture(): { lines: string[]; write: (line: string) => void } {
  const lines: string[] = [];
  return { lines, write: (line) => lines.push(line) };
}

describe('log lines', () => {
  it('cut long strings before masking them, and mask what straddles the cut', () => {
    const sink = capture();
    const logger = createLogger('info', sink);
    const long = `${'a'.repeat(maxLoggedStringLength - 5)} ada@example.com ${'b'.repeat(1 << 20)}`;
    const started = performance.now();
    logger.info({ detail: long }, 'something long');
    expect(performance.now() - started).toBeLessThan(2_000);
    const line = JSON.parse(sink.lines[0] ?? '{}') as { detail?: string };
    expect(line.detail?.startsWith('a'.repeat(maxLoggedStringLength - 5))).toBe(true);
    expect(line.detail).toContain('a***@example.com');
    expect(line.detail?.endsWith(truncationMarker(long.length))).toBe(true);
    expect(line.detail?.length).toBeLessThan(maxLoggedStringLength + 100);
  });

  it('redact the request headers that carry keys: Authorization, Idempotency-Key, Hermes-Synthetic', () => {
    const sink = capture();
    const headers = {
      authorization: 'Bearer key-one-0123456789', // secretlint-disable-line -- a test key
      'idempotency-key': 'idem-0123456789',
      'hermes-synthetic': 'admin-key-0123456789', // secretlint-disable-line -- a test key
      'user-agent': 'test-agent',
    };
    createLogger('info', sink).info({ req: { headers } }, 'request');
    const line = JSON.parse(sink.lines[0] ?? '{}') as { req: { headers: Record<string, string> } };
    expect(line.req.headers).toEqual({
      authorization: '[redacted]',
      'idempotency-key': '[redacted]',
      'hermes-synthetic': '[redacted]',
      'user-agent': 'test-agent',
    });
  });

  it('read url, path and query fields as URLs', () => {
    const sink = capture();
    createLogger('info', sink).info(
      { req: { url: '/x/07700900123?c=ada%40example.com' }, path: '/y/07700%20900123' },
      'request',
    );
    const text = sink.lines.join('');
    expect(text).not.toMatch(/7700.?.?.?900|ada/);
    expect(text).toContain('07*******23');
  });

  it('bound and mask a line that is not JSON', () => {
    const sink = capture();
    const destination = maskingDestination(sink);
    const started = performance.now();
    destination.write(`not json ${'1- '.repeat(1 << 20)}\n`);
    destination.write('not json either: ada@example.com +44 7700 900123\n');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(sink.lines[0]?.length).toBeLessThan(17 * 1024);
    expect(sink.lines[1]).toBe('not json either: a***@example.com +44********23\n');
  });
});

describe('pretty log lines', () => {
  it('are text, not JSON, and masked as JSON lines are', () => {
    const sink = capture();
    const logger = createLogger('info', sink, { format: 'pretty', colorize: false });
    logger.warn(
      { detail: 'call +44 7700 900123', path: '/x/ada%40example.com' },
      'lead from ada@example.com',
    );
    logger.info({ lead: { email: 'ada@example.com' } }, 'censored');
    const text = sink.lines.join('');
    expect(sink.lines).toHaveLength(2);
    expect(sink.lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: lead from a\*\*\*@example\.com /);
    expect(sink.lines[0]).toContain('+44********23');
    expect(sink.lines[1]).toContain('"email":"[redacted]"');
    expect(text).not.toMatch(/ada@|ada%40|7700.?900/);
    expect(() => JSON.parse(sink.lines[0] ?? '') as unknown).toThrow();
    // The service name is in every JSON line; a developer's terminal does not need it.
    expect(text).not.toContain('hermes');
  });

  it('colour only when asked', () => {
    const sink = capture();
    createLogger('info', sink, { format: 'pretty', colorize: true }).info('coloured');
    expect(sink.lines[0]).toContain('\u001b[');
  });

  it('are chosen by the flag, then log.format, then a terminal in development', () => {
    const base: LogFormatInputs = {
      flag: undefined,
      configured: 'auto',
      environment: 'development',
      stdoutIsTerminal: true,
    };
    expect(chooseLogFormat(base)).toBe('pretty');
    expect(chooseLogFormat({ ...base, stdoutIsTerminal: false })).toBe('json');
    expect(chooseLogFormat({ ...base, environment: 'production' })).toBe('json');
    expect(chooseLogFormat({ ...base, configured: 'json' })).toBe('json');
    expect(chooseLogFormat({ ...base, configured: 'pretty', stdoutIsTerminal: false })).toBe('pretty');
    expect(chooseLogFormat({ ...base, flag: false })).toBe('json');
    expect(chooseLogFormat({ ...base, flag: true, configured: 'json', environment: 'production' })).toBe(
      'pretty',
    );
  });
});
