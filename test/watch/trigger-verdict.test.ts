import { describe, expect, it } from 'vitest';
import { formatSignal, judgeTrigger, type TriggerLimit } from '../../src/watch/trigger-verdict.ts';

const errorRate: TriggerLimit = { threshold: 0.05, unit: 'ratio', minRequests: 20 };
const responseTime: TriggerLimit = { threshold: 1_000, unit: 'ms', minRequests: 20 };
const databaseErrors: TriggerLimit = { threshold: 10, unit: 'count' };

describe('one evaluation of a rollback trigger', () => {
  it('breaches above the threshold, naming the value and the threshold', () => {
    expect(judgeTrigger({ value: 0.075, requests: 40 }, errorRate)).toEqual({
      verdict: 'breach',
      reason: '7.5% > 5% (40 requests)',
    });
    expect(judgeTrigger({ value: 1_234.567, requests: 25 }, responseTime)).toEqual({
      verdict: 'breach',
      reason: '1234.57ms > 1000ms (25 requests)',
    });
    expect(judgeTrigger({ value: 11 }, databaseErrors)).toEqual({ verdict: 'breach', reason: '11 > 10' });
  });

  it('is healthy at or below the threshold (the spec breaches on more than it)', () => {
    expect(judgeTrigger({ value: 0.05, requests: 20 }, errorRate)).toEqual({
      verdict: 'healthy',
      reason: '5% <= 5% (20 requests)',
    });
    expect(judgeTrigger({ value: 10 }, databaseErrors).verdict).toBe('healthy');
    expect(judgeTrigger({ value: 0 }, databaseErrors).verdict).toBe('healthy');
  });

  it('is inconclusive with no data, NaN, infinity or a negative figure: never a pass', () => {
    expect(judgeTrigger({ value: undefined, requests: 100 }, errorRate)).toEqual({
      verdict: 'inconclusive',
      reason: 'no data',
    });
    expect(judgeTrigger({ value: Number.NaN, requests: 100 }, responseTime)).toEqual({
      verdict: 'inconclusive',
      reason: 'no usable figure (NaN)',
    });
    expect(judgeTrigger({ value: Number.POSITIVE_INFINITY }, databaseErrors).verdict).toBe('inconclusive');
    expect(judgeTrigger({ value: -3 }, databaseErrors).reason).toContain('counter reset');
  });

  it('counts a rate only above the minimum of requests', () => {
    // One error in 3 requests is 33 %, yet says nothing about the release.
    expect(judgeTrigger({ value: 1 / 3, requests: 3 }, errorRate)).toEqual({
      verdict: 'inconclusive',
      reason: '3 requests in the window, fewer than the 20 needed',
    });
    expect(judgeTrigger({ value: 0, requests: 0 }, errorRate).verdict).toBe('inconclusive');
    expect(judgeTrigger({ value: 0.5 }, errorRate).reason).toBe('no request count in the window');
    expect(judgeTrigger({ value: 0.5, requests: Number.NaN }, errorRate).verdict).toBe('inconclusive');
  });

  it('writes figures as the spec does', () => {
    expect(formatSignal(1 / 3, 'ratio')).toBe('33.33%');
    expect(formatSignal(999.999, 'ms')).toBe('1000ms');
    expect(formatSignal(10.5, 'count')).toBe('10.5');
  });
});
