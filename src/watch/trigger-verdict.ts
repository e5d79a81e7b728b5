/** One evaluation of a trigger: over its threshold, under it, or no telling (never a pass). */
export type Verdict = 'healthy' | 'breach' | 'inconclusive';

export interface TriggerVerdict {
  readonly verdict: Verdict;
  /** What was seen against what was allowed: `7.5% > 5% (40 requests)`, `no data`. */
  readonly reason: string;
}

/** How a figure is written: a fraction as a percentage, milliseconds, or a count. */
export type SignalUnit = 'ratio' | 'ms' | 'count';

/** One evaluation's figure over the trigger's window. */
export interface TriggerSignal {
  /** The error rate (a fraction), the response time (ms) or the error count; undefined: no data. */
  readonly value: number | undefined;
  /** Requests (observations) in the window; needed where the limit has a minimum. */
  readonly requests?: number | undefined;
}

export interface TriggerLimit {
  /** The figure breaches above this (the spec's `>`). */
  readonly threshold: number;
  readonly unit: SignalUnit;
  /** Requests the window needs for the figure to count; undefined: a count, judged whatever the traffic. */
  readonly minRequests?: number | undefined;
}

const trimmed = (n: number): string => String(Math.round(n * 100) / 100);

/** `7.5%`, `1234.5ms`, `12`. */
export function formatSignal(value: number, unit: SignalUnit): string {
  switch (unit) {
    case 'ratio':
      return `${trimmed(value * 100)}%`;
    case 'ms':
      return `${trimmed(value)}ms`;
    case 'count':
      return trimmed(value);
  }
}

const inconclusive = (reason: string): TriggerVerdict => ({ verdict: 'inconclusive', reason });

/**
 * Judges one evaluation. No data, NaN, a negative figure (a counter reset) or too few requests is
 * `inconclusive`: neither health nor failure (a quiet night is not an incident).
 */
export function judgeTrigger(signal: TriggerSignal, limit: TriggerLimit): TriggerVerdict {
  const { value, requests } = signal;
  if (limit.minRequests !== undefined) {
    if (requests === undefined || !Number.isFinite(requests) || requests < 0)
      return inconclusive('no request count in the window');
    if (requests < limit.minRequests)
      return inconclusive(
        `${trimmed(requests)} requests in the window, fewer than the ${limit.minRequests} needed`,
      );
  }
  if (value === undefined) return inconclusive('no data');
  if (!Number.isFinite(value)) return inconclusive(`no usable figure (${String(value)})`);
  if (value < 0) return inconclusive(`a negative figure (${trimmed(value)}): a counter reset?`);
  const seen = formatSignal(value, limit.unit);
  const allowed = formatSignal(limit.threshold, limit.unit);
  const over = requests === undefined ? '' : ` (${trimmed(requests)} requests)`;
  return value > limit.threshold
    ? { verdict: 'breach', reason: `${seen} > ${allowed}${over}` }
    : { verdict: 'healthy', reason: `${seen} <= ${allowed}${over}` };
}
