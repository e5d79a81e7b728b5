import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../src/config/schema.ts';
import { deployHealthThresholds } from '../../../../src/config/sections/deploy-health-thresholds.ts';
import { deployLoadThresholds } from '../../../../src/config/sections/deploy-load-thresholds.ts';
import { healthDeploymentGate } from '../../../../src/gates/builtin/deploy/health-deployment.ts';
import { loadDeploymentGate } from '../../../../src/gates/builtin/deploy/load-deployment.ts';
import {
  releaseEndpoint,
  requestFailure,
  shownUrl,
} from '../../../../src/gates/builtin/deploy/release-endpoint.ts';
import { percentile } from '../../../../src/gates/builtin/support/percentiles.ts';
import { hooksFor } from './support/step-hooks.ts';

const hooks = hooksFor(() => 'http://127.0.0.1:8080');

describe('the health and load thresholds', () => {
  it("default to the spec's endpoints, 60 s, 1 s, and a bounded read-only load", () => {
    expect(deployHealthThresholds.parse(undefined)).toEqual({
      endpoints: ['/health', '/health/database', '/health/n8n', '/readyz'],
      deadline: 60_000,
      interval: 1_000,
      requestTimeout: 5_000,
    });
    expect(deployLoadThresholds.parse(undefined)).toEqual({
      connections: 10,
      duration: 10_000,
      requests: [
        { method: 'GET', path: '/', contentType: 'application/json' },
        { method: 'GET', path: '/health/database', contentType: 'application/json' },
      ],
      p95Ms: 500,
      maxErrors: 0,
      memorySampleInterval: 1_000,
      maxHeapGrowthMb: 150,
    });
  });

  it('read durations as hermes.yaml writes them', () => {
    expect(deployHealthThresholds.parse({ deadline: '2m', interval: '250ms' })).toMatchObject({
      deadline: 120_000,
      interval: 250,
    });
    expect(deployLoadThresholds.parse({ duration: '30s', rate: 50 })).toMatchObject({
      duration: 30_000,
      rate: 50,
    });
  });

  it('refuse durations too short to mean anything, and unknown keys', () => {
    const problems = (result: { error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
      result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems(deployHealthThresholds.safeParse({ interval: '10ms', deadline: 0 }))).toEqual([
      'deadline: expected at least 100ms',
      'interval: expected at least 50ms',
    ]);
    expect(problems(deployLoadThresholds.safeParse({ duration: '500ms', memorySampleInterval: 10 }))).toEqual(
      ['duration: expected at least 1s', 'memorySampleInterval: expected at least 100ms'],
    );
    expect(deployLoadThresholds.safeParse({ requests: [{ path: 'health' }] }).success).toBe(false);
    expect(deployLoadThresholds.safeParse({ p95: 100 }).success).toBe(false);
  });
});

describe('the gates', () => {
  it('are deploy-stage gates citing §2.3.1 and §2.3.2; the load runs alone', () => {
    const health = healthDeploymentGate(hooks);
    const load = loadDeploymentGate(hooks);
    expect([health.id, health.stage, health.spec, health.exclusive]).toEqual([
      'health.deployment',
      'deploy',
      '§2.3.1',
      undefined,
    ]);
    expect([load.id, load.stage, load.spec, load.exclusive]).toEqual([
      'load.deployment',
      'deploy',
      '§2.3.2',
      true,
    ]);
    expect(load.description).toContain("least-squares slope of the heap's floor");
  });

  it('describe their thresholds, naming those the config changed', () => {
    const config = configSchema.parse({
      gates: { thresholds: { deploy: { health: { deadline: '90s' }, load: { p95Ms: 300 } } } },
    });
    const health = healthDeploymentGate(hooks).thresholds?.(config) ?? [];
    expect(health.map((t) => [t.key, t.value, t.source])).toEqual([
      [
        'gates.thresholds.deploy.health.endpoints',
        ['/health', '/health/database', '/health/n8n', '/readyz'],
        'default',
      ],
      ['gates.thresholds.deploy.health.deadline', 90_000, 'file'],
      ['gates.thresholds.deploy.health.interval', 1_000, 'default'],
      ['gates.thresholds.deploy.health.requestTimeout', 5_000, 'default'],
    ]);
    const load = loadDeploymentGate(hooks).thresholds?.(config) ?? [];
    expect(load.map((t) => t.key.replace('gates.thresholds.deploy.load.', ''))).toEqual([
      'connections',
      'duration',
      'rate',
      'requests',
      'p95Ms',
      'maxErrors',
      'memorySampleInterval',
      'maxHeapGrowthMb',
    ]);
    expect(load.find((t) => t.key.endsWith('.p95Ms'))).toMatchObject({ value: 300, source: 'file' });
    expect(load.every((t) => t.description.length > 0)).toBe(true);
  });
});

describe('release endpoints', () => {
  it('keep the path a release is served under', () => {
    expect(releaseEndpoint('https://shop.example/', '/health')).toBe('https://shop.example/health');
    expect(releaseEndpoint('https://shop.example/app//', '/readyz')).toBe('https://shop.example/app/readyz');
  });

  it('are shown without credentials or query string', () => {
    expect(shownUrl('https://user:pw@shop.example/app/?token=x')).toBe('https://shop.example/app');
    expect(shownUrl('not a url')).toBe('(not a URL)');
  });

  it('name a failed request by its cause, not fetch\'s "fetch failed"', () => {
    const error = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    expect(requestFailure(error)).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(requestFailure(new Error('getaddrinfo ENOTFOUND https://u:pw@x.example'))).toBe(
      'getaddrinfo ENOTFOUND https://u:redacted@x.example/',
    );
    expect(requestFailure('text')).toBe('text');
  });
});

describe('percentile', () => {
  it('is the nearest rank of sorted values', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect([50, 95, 99, 100].map((p) => percentile(values, p))).toEqual([10, 19, 20, 20]);
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([], 95)).toBeUndefined();
  });
});
