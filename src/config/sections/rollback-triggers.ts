import { z } from 'zod';
import { durationMs } from './duration.ts';

// The spec's §4.1.1 block, loaded as written: its snake_case keys, its units (`5%`, `1000ms`, `5m`).
// The parsed config keeps the block's shape (values normalised: a fraction, milliseconds) because
// `hermes config print` and each value's source are keyed by the paths the file is written in;
// `rollbackTriggers()` turns it into the camelCase settings the watcher reads.

/** A Prometheus metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`). */
const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** `5%`, `2.5%`, `5 %`. */
const percentText = /^(\d+|\d+\.\d+) ?%$/;
/** `p95`, `p50`, `p99`, `p99.9`. */
const quantileText = /^p(\d{1,2}|\d{1,2}\.\d+)$/;

/**
 * A value read by `parse` (undefined: not one), else a config error with `expected` (or what it says
 * for the value found) as its message; formatIssue adds the key's path and what was found.
 */
function parsed<T>(parse: (raw: unknown) => T | undefined, expected: string | ((raw: unknown) => string)) {
  return z.unknown().transform((raw, ctx): T => {
    const value = parse(raw);
    if (value === undefined) {
      const message = typeof expected === 'string' ? expected : expected(raw);
      ctx.issues.push({ code: 'custom', message, input: raw });
      return z.NEVER;
    }
    return value;
  });
}

/** The amount of `N%`, whatever it is. */
function percentAmount(raw: unknown): number | undefined {
  const amount = typeof raw === 'string' ? percentText.exec(raw.trim())?.[1] : undefined;
  return amount === undefined ? undefined : Number(amount);
}

/**
 * Only the `%` form: a bare number is ambiguous (0.5: half a percent or half of the requests?), and
 * Hermes's other percentages (`cpuPercent: 80`) are 0 to 100 where the spec's is a fraction.
 * 100 % and above can never be exceeded: such a trigger could never fire.
 */
function percentage(raw: unknown): number | undefined {
  const percent = percentAmount(raw);
  return percent !== undefined && percent < 100 ? percent / 100 : undefined;
}

const percentageExpected = (raw: unknown): string =>
  percentAmount(raw) === undefined ? 'expected a percentage like 5%' : 'expected a percentage below 100%';

/** As every duration of hermes.yaml (`durationMs`: `500ms`, `5s`, `5m` or a number of ms), at least `min`. */
function durationAtLeast(min: number): (raw: unknown) => number | undefined {
  return (raw) => {
    const result = durationMs.safeParse(raw);
    return result.success && result.data >= min ? result.data : undefined;
  };
}

function count(raw: unknown): number | undefined {
  return typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0 ? raw : undefined;
}

function metric(raw: unknown): string | undefined {
  return typeof raw === 'string' && metricName.test(raw) ? raw : undefined;
}

/** The errors counter and the total counter of `<errors> / <total>`. */
export function ratioMetric(text: string): { errors: string; total: string } | undefined {
  const [errors, total, ...rest] = text.split('/').map((part) => part.trim());
  if (errors === undefined || total === undefined || rest.length > 0) return undefined;
  if (!metricName.test(errors) || !metricName.test(total) || errors === total) return undefined;
  return { errors, total };
}

/** The statistic of the response-time trigger over its window. */
export type ResponseStatistic =
  | { readonly kind: 'quantile'; readonly quantile: number; readonly label: string }
  | { readonly kind: 'average'; readonly label: 'average' };

/** `p95` → the 0.95 quantile; `average` → the mean (sum / count); undefined for anything else. */
export function responseStatistic(text: string): ResponseStatistic | undefined {
  if (text === 'average') return { kind: 'average', label: 'average' };
  const amount = quantileText.exec(text)?.[1];
  if (amount === undefined || Number(amount) === 0) return undefined;
  // Rounded so that p99.9 is 0.999, not 0.9990000000000001.
  return { kind: 'quantile', quantile: Math.round(Number(amount) * 10_000) / 1_000_000, label: text };
}

const windowOf = (fallback: string) =>
  parsed(durationAtLeast(1_000), 'expected a window of at least 1s such as 5m, 90s or 300000 (ms)').prefault(
    fallback,
  );

/** What every trigger has beside its threshold, window and metric. */
const common = {
  /** Off: the trigger is not evaluated (a release without this metric). */
  enabled: z.boolean().default(true),
  /**
   * Breaching evaluations in a row that fire it. 2, not 1: the window already smooths the figure,
   * so one more evaluation costs one interval and keeps a single bad scrape from rolling back.
   */
  for: z.int().min(1).default(2),
};

/**
 * Requests in the window a rate (or a quantile) needs to count. 20 (as `perf.responseTimes`): at
 * the spec's 5 %, one failed request alone (1 in 20) never exceeds it.
 */
const minRequests = z.int().min(1).default(20);

const errorRate = z
  .strictObject({
    threshold: parsed(percentage, percentageExpected).prefault('5%'),
    window: windowOf('5m'),
    metric: parsed(
      (raw) => (typeof raw === 'string' && ratioMetric(raw) !== undefined ? raw : undefined),
      'expected "<errors counter> / <total counter>" such as "http_requests_errors_total / http_requests_total"',
    ).prefault('http_requests_errors_total / http_requests_total'),
    ...common,
    min_requests: minRequests,
  })
  .prefault({});

const responseTime = z
  .strictObject({
    threshold: parsed(durationAtLeast(1), 'expected a time like 1000ms or 1s').prefault('1000ms'),
    window: windowOf('3m'),
    metric: parsed(metric, 'expected a histogram metric name such as http_request_duration_seconds').prefault(
      'http_request_duration_seconds',
    ),
    /** The spec says "response time": its p95 by default; `p50`, `p99`, any `pNN`, or `average`. */
    quantile: parsed(
      (raw) => (typeof raw === 'string' && responseStatistic(raw) !== undefined ? raw : undefined),
      'expected p50, p95, p99 (any pNN) or average',
    ).prefault('p95'),
    ...common,
    min_requests: minRequests,
  })
  .prefault({});

const databaseErrors = z
  .strictObject({
    threshold: parsed(count, 'expected a number of errors such as 10').prefault(10),
    window: windowOf('2m'),
    metric: parsed(metric, 'expected a counter name such as database_errors_total').prefault(
      'database_errors_total',
    ),
    ...common,
  })
  .prefault({});

/** `rollback_triggers:` (§4.1.1): the figures over a window of the live release that roll it back. */
export const rollbackTriggersSection = z
  .strictObject({
    /** Off: `hermes watch` evaluates no trigger (the health watcher still runs). */
    enabled: z.boolean().default(true),
    /**
     * Inconclusive evaluations in a row (no data, NaN, too few requests) that raise a "no data"
     * warning: 10, five minutes at the 30 s the spec's health checks run at. Never a rollback.
     */
    inconclusive_limit: z.int().min(1).default(10),
    error_rate: errorRate,
    response_time: responseTime,
    database_errors: databaseErrors,
  })
  .prefault({});

export type RollbackTriggersSection = z.output<typeof rollbackTriggersSection>;

/** What every trigger's settings have. */
interface TriggerBase {
  readonly enabled: boolean;
  readonly windowMs: number;
  /** Breaching evaluations in a row that fire the trigger. */
  readonly for: number;
}

/** Error rate: errors / total over the window, above `threshold` (a fraction: 0.05 is 5 %). */
export interface ErrorRateTrigger extends TriggerBase {
  readonly threshold: number;
  readonly errorsMetric: string;
  readonly totalMetric: string;
  readonly minRequests: number;
}

/** Response time: `statistic` of the histogram `metric` over the window, above `thresholdMs`. */
export interface ResponseTimeTrigger extends TriggerBase {
  readonly thresholdMs: number;
  readonly metric: string;
  readonly statistic: ResponseStatistic;
  readonly minRequests: number;
}

/** Database errors: the counter's increase over the window, above `threshold`. */
export interface DatabaseErrorsTrigger extends TriggerBase {
  readonly threshold: number;
  readonly metric: string;
}

export interface RollbackTriggers {
  readonly enabled: boolean;
  readonly inconclusiveLimit: number;
  readonly errorRate: ErrorRateTrigger;
  readonly responseTime: ResponseTimeTrigger;
  readonly databaseErrors: DatabaseErrorsTrigger;
}

/** The parsed `rollback_triggers:` block as the watcher's settings. */
export function rollbackTriggers(section: RollbackTriggersSection): RollbackTriggers {
  const { error_rate: rate, response_time: time, database_errors: db } = section;
  // The schema has validated both; a failure here is a bug, not a config problem.
  const ratio = ratioMetric(rate.metric);
  const statistic = responseStatistic(time.quantile);
  if (ratio === undefined || statistic === undefined)
    throw new Error('rollback_triggers: parsed with an invalid metric or quantile');
  return {
    enabled: section.enabled,
    inconclusiveLimit: section.inconclusive_limit,
    errorRate: {
      enabled: rate.enabled,
      threshold: rate.threshold,
      windowMs: rate.window,
      errorsMetric: ratio.errors,
      totalMetric: ratio.total,
      for: rate.for,
      minRequests: rate.min_requests,
    },
    responseTime: {
      enabled: time.enabled,
      thresholdMs: time.threshold,
      windowMs: time.window,
      metric: time.metric,
      statistic,
      for: time.for,
      minRequests: time.min_requests,
    },
    databaseErrors: {
      enabled: db.enabled,
      threshold: db.threshold,
      windowMs: db.window,
      metric: db.metric,
      for: db.for,
    },
  };
}
