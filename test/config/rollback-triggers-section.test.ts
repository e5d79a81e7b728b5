import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { configSchema } from '../../src/config/schema.ts';
import {
  ratioMetric,
  responseStatistic,
  rollbackTriggers,
} from '../../src/config/sections/rollback-triggers.ts';

// §4.1.1's block, exactly as the spec writes it.
const specBlock = `rollback_triggers:
  error_rate:
    threshold: 5%  # Rollback if error rate > 5%
    window: 5m     # Over 5-minute window
    metric: "http_requests_errors_total / http_requests_total"
  
  response_time:
    threshold: 1000ms  # Rollback if response time > 1s
    window: 3m         # Over 3-minute window
    metric: "http_request_duration_seconds"
  
  database_errors:
    threshold: 10  # Rollback if > 10 DB errors
    window: 2m     # Over 2-minute window
    metric: "database_errors_total"
`;

function dirWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-rollback-triggers-'));
  writeFileSync(join(dir, 'hermes.yaml'), yaml);
  return dir;
}

/** The problems loadConfig reports for `yaml`, the file's path shown as `hermes.yaml`. */
function problemsOf(yaml: string): string[] {
  const cwd = dirWith(yaml);
  try {
    loadConfig({ env: {}, cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.details.map((line) => line.replaceAll(join(cwd, 'hermes.yaml'), 'hermes.yaml'));
  }
  throw new Error('expected a ConfigError');
}

const defaults = {
  enabled: true,
  inconclusiveLimit: 10,
  errorRate: {
    enabled: true,
    threshold: 0.05,
    windowMs: 300_000,
    errorsMetric: 'http_requests_errors_total',
    totalMetric: 'http_requests_total',
    for: 2,
    minRequests: 20,
  },
  responseTime: {
    enabled: true,
    thresholdMs: 1_000,
    windowMs: 180_000,
    metric: 'http_request_duration_seconds',
    statistic: { kind: 'quantile', quantile: 0.95, label: 'p95' },
    for: 2,
    minRequests: 20,
  },
  databaseErrors: {
    enabled: true,
    threshold: 10,
    windowMs: 120_000,
    metric: 'database_errors_total',
    for: 2,
  },
};

describe('config: rollback_triggers (§4.1.1)', () => {
  it("loads the spec's block as written, with the spec's units", () => {
    const { config, sources } = loadConfig({ env: {}, cwd: dirWith(specBlock) });
    expect(rollbackTriggers(config.rollback_triggers)).toEqual(defaults);
    expect(sources.get('rollback_triggers.error_rate.threshold')).toBe('file');
    expect(sources.get('rollback_triggers.error_rate.for')).toBe('default');
  });

  it("has the spec's block as its defaults when absent", () => {
    expect(rollbackTriggers(configSchema.parse({}).rollback_triggers)).toEqual(defaults);
    expect(configSchema.parse({}).rollback_triggers.error_rate).toMatchObject({
      threshold: 0.05,
      window: 300_000,
      metric: 'http_requests_errors_total / http_requests_total',
    });
  });

  it('takes every number and the extra keys', () => {
    const parsed = configSchema.parse({
      rollback_triggers: {
        enabled: false,
        inconclusive_limit: 4,
        error_rate: { threshold: '2.5 %', window: '90s', metric: 'errs / reqs', for: 3, min_requests: 50 },
        response_time: { threshold: '2s', window: 60_000, quantile: 'p99.9', min_requests: 5 },
        database_errors: { threshold: 0, window: '1m', enabled: false, for: 1 },
      },
    }).rollback_triggers;
    const settings = rollbackTriggers(parsed);
    expect(settings.enabled).toBe(false);
    expect(settings.inconclusiveLimit).toBe(4);
    expect(settings.errorRate).toMatchObject({
      threshold: 0.025,
      windowMs: 90_000,
      errorsMetric: 'errs',
      totalMetric: 'reqs',
      for: 3,
      minRequests: 50,
    });
    expect(settings.responseTime).toMatchObject({ thresholdMs: 2_000, windowMs: 60_000, minRequests: 5 });
    expect(settings.responseTime.statistic).toEqual({ kind: 'quantile', quantile: 0.999, label: 'p99.9' });
    expect(settings.databaseErrors).toMatchObject({ threshold: 0, windowMs: 60_000, enabled: false, for: 1 });
  });

  it('reads the quantile: any pNN, or average', () => {
    expect(responseStatistic('p50')).toEqual({ kind: 'quantile', quantile: 0.5, label: 'p50' });
    expect(responseStatistic('average')).toEqual({ kind: 'average', label: 'average' });
    for (const bad of ['p0', 'p100', 'p999', 'P95', 'mean', '95'])
      expect(responseStatistic(bad)).toBeUndefined();
  });

  it('reads the error rate metric as <errors> / <total>', () => {
    expect(ratioMetric('a_total/b_total')).toEqual({ errors: 'a_total', total: 'b_total' });
    for (const bad of ['a_total', 'a / b / c', 'a / a', 'a- / b', ' / b'])
      expect(ratioMetric(bad)).toBeUndefined();
  });

  it('refuses a malformed block, naming the full key, what was expected and what was found', () => {
    const yaml = `rollback_triggers:
  inconclusive_limit: 0
  error_rate:
    threshold: five
    window: 5 minutes
    metric: http_requests_total
    min_requests: 2.5
  response_time:
    threshold: 0ms
    quantile: p100
    metric: "http duration"
  database_errors:
    threshold: -1
    window: 500ms
    per: 2
`;
    expect(problemsOf(yaml)).toEqual([
      'rollback_triggers.inconclusive_limit: expected number >= 1, got 0 (from hermes.yaml)',
      'rollback_triggers.error_rate.threshold: expected a percentage like 5%, got "five" (from hermes.yaml)',
      'rollback_triggers.error_rate.window: expected a window of at least 1s such as 5m, 90s or 300000 (ms), got "5 minutes" (from hermes.yaml)',
      'rollback_triggers.error_rate.metric: expected "<errors counter> / <total counter>" such as "http_requests_errors_total / http_requests_total", got "http_requests_total" (from hermes.yaml)',
      'rollback_triggers.error_rate.min_requests: expected an integer, got 2.5 (from hermes.yaml)',
      'rollback_triggers.response_time.threshold: expected a time like 1000ms or 1s, got "0ms" (from hermes.yaml)',
      'rollback_triggers.response_time.metric: expected a histogram metric name such as http_request_duration_seconds, got "http duration" (from hermes.yaml)',
      'rollback_triggers.response_time.quantile: expected p50, p95, p99 (any pNN) or average, got "p100" (from hermes.yaml)',
      'rollback_triggers.database_errors.threshold: expected a number of errors such as 10, got -1 (from hermes.yaml)',
      'rollback_triggers.database_errors.window: expected a window of at least 1s such as 5m, 90s or 300000 (ms), got "500ms" (from hermes.yaml)',
      'rollback_triggers.database_errors.per: unknown key (from hermes.yaml)',
    ]);
  });

  it('refuses a bare number or 100 % as the error rate threshold', () => {
    expect(problemsOf('rollback_triggers:\n  error_rate:\n    threshold: 0.05\n')).toEqual([
      'rollback_triggers.error_rate.threshold: expected a percentage like 5%, got 0.05 (from hermes.yaml)',
    ]);
    expect(problemsOf('rollback_triggers:\n  error_rate:\n    threshold: 100%\n')).toEqual([
      'rollback_triggers.error_rate.threshold: expected a percentage below 100%, got "100%" (from hermes.yaml)',
    ]);
  });
});
