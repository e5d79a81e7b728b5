import { describe, expect, it } from 'vitest';
import { parseSince } from '../../src/delivery/parse-since.ts';

describe('parseSince: the durations back from now', () => {
  const now = new Date('2025-06-01T12:00:00Z');

  it('takes minutes, hours, days and weeks, blanks around them trimmed', () => {
    expect(parseSince('30m', '--since', now).toISOString()).toBe('2025-06-01T11:30:00.000Z');
    expect(parseSince(' 2w ', '--since', now).toISOString()).toBe('2025-05-18T12:00:00.000Z');
  });

  it.each(['5s', '500ms', '2y'])('refuses the unit of %j', (value) => {
    expect(() => parseSince(value, '--since', now)).toThrow(/--since: expected an ISO 8601/);
  });

  // Far enough back, the time is before the first a Date can hold: no time at all.
  it.each(['999999999d', '99999999w', '99999999999999999999d'])('refuses %j', (value) => {
    expect(() => parseSince(value, 'since', now)).toThrow(/^since: expected an ISO 8601/);
  });
});
