import { describe, expect, it } from 'vitest';
import { formatDuration, formatSeconds, parseDuration } from '../../src/text/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['0s', 0],
    ['5s', 5_000],
    ['5m', 300_000],
    ['3m', 180_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    '',
    '5',
    'm',
    '5 m',
    ' 5m',
    '5m ',
    '-5m',
    '1.5h',
    '2h30m',
    '5M',
    '5min',
    '5y',
    '99999999999999999999d',
  ])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('takes only the units a caller accepts', () => {
    expect(parseDuration('2w', ['ms', 's', 'm', 'h', 'd'])).toBeUndefined();
    expect(parseDuration('5s', ['m', 'h', 'd', 'w'])).toBeUndefined();
    expect(parseDuration('5m', ['m', 'h', 'd', 'w'])).toBe(300_000);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1_000, '1.0 s'],
    [12_345, '12.3 s'],
    [59_949, '59.9 s'],
    [60_000, '1 min 0 s'],
    [245_000, '4 min 5 s'],
    [7_200_000, '120 min 0 s'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('formatSeconds: seconds to a tenth, whatever the size', () => {
    expect(formatSeconds(870)).toBe('0.9 s');
    expect(formatSeconds(75_300)).toBe('75.3 s');
  });
});
