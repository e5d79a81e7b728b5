import { describe, expect, it } from 'vitest';
import { buildThresholds } from '../../../../src/config/sections/build-thresholds.ts';
import type { BuildReport } from '../../../../src/deploy/build/run-build.ts';
import {
  environmentChecks,
  judgeBuild,
  looksMinified,
  type BuildObservation,
} from '../../../../src/gates/builtin/deploy/judge-build.ts';
import { judged } from '../../support/judged.ts';

const settings = buildThresholds.parse(undefined).production;

function report(overrides: Partial<BuildReport> = {}): BuildReport {
  return {
    environment: 'production',
    outDir: '/repo/dist/production',
    outfile: '/repo/dist/production/hermes.mjs',
    warnings: [],
    errors: [],
    bundleBytes: 300 * 1024,
    files: [],
    durationMs: 900,
    ...overrides,
  };
}

const stamp = { environment: 'production', logLevel: 'info', version: '1.0.0', commit: null };
const asBuilt: BuildObservation = {
  sourcemap: false,
  minified: true,
  stamp,
  logLevel: 'info',
  runProblem: null,
};

describe('looksMinified', () => {
  it('tells esbuild’s minified output from readable code', () => {
    const readable = Array.from({ length: 50 }, (_, i) => `const value${i} = compute(${i});`).join('\n');
    expect(looksMinified(readable)).toBe(false);
    expect(looksMinified(readable.replaceAll('\n', ';'))).toBe(true);
  });
});

describe('judgeBuild', () => {
  it('passes a build with no warnings, within budget, showing its environment’s properties', () => {
    const outcome = judgeBuild(report(), settings, asBuilt, '1.0.0');
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe(
      'production build: 300 KB of 1024 KB, 0 warnings; source maps none, minified yes, default log level info',
    );
    expect(judged(outcome)).toEqual([
      { name: 'build errors', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'build warnings', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'bundle size', value: 300, threshold: 1024, comparison: '<=', passed: true },
    ]);
  });

  it('fails on esbuild errors without inspecting, naming the first', () => {
    const errors = ['src/a.ts:1:7: Could not resolve "missing"', 'src/b.ts:2:1: Unexpected "}"'];
    const outcome = judgeBuild(report({ errors }), settings, null, '1.0.0');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'production build failed: 2 errors (first: src/a.ts:1:7: Could not resolve "missing")',
    );
    expect(outcome.evidence?.[0]?.content).toBe(errors.join('\n'));
    expect(judged(outcome)[0]).toMatchObject({ name: 'build errors', value: 2, passed: false });
  });

  it('fails on a single warning', () => {
    const warnings = ['src/a.ts:3:4: Duplicate key "a" in object literal'];
    const outcome = judgeBuild(report({ warnings }), settings, asBuilt, '1.0.0');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'production build: 1 warning (first: src/a.ts:3:4: Duplicate key "a" in object literal)',
    );
    expect(judged(outcome)[1]).toMatchObject({ name: 'build warnings', value: 1, passed: false });
  });

  it('fails a bundle over its budget, giving both sizes', () => {
    const outcome = judgeBuild(report({ bundleBytes: 1100 * 1024 }), settings, asBuilt, '1.0.0');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('production build: bundle 1100 KB over its 1024 KB budget');
    expect(judged(outcome)[2]).toEqual({
      name: 'bundle size',
      value: 1100,
      threshold: 1024,
      comparison: '<=',
      passed: false,
    });
  });

  it('fails a build whose properties are not its environment’s, naming each', () => {
    const observed = { ...asBuilt, sourcemap: true, logLevel: 'debug' };
    const outcome = judgeBuild(report(), settings, observed, '1.0.0');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'production build: source maps present, expected none, default log level debug, expected info',
    );
  });

  it('fails a bundle that does not run, and one stamped for another environment or version', () => {
    const broken = { ...asBuilt, stamp: null, logLevel: null, runProblem: 'exit 1: Cannot find package' };
    expect(judgeBuild(report(), settings, broken, '1.0.0').summary).toBe(
      'production build: the bundle does not run: exit 1: Cannot find package; environment none, expected production, version none, expected 1.0.0, default log level unknown, expected info',
    );
    const stale = { ...asBuilt, stamp: { ...stamp, environment: 'staging', version: '0.9.0' } };
    expect(judgeBuild(report(), settings, stale, '1.0.0').summary).toBe(
      'production build: environment staging, expected production, version 0.9.0, expected 1.0.0',
    );
  });
});

describe('environmentChecks', () => {
  it('lists every property with what the configuration expects and what the build shows', () => {
    expect(environmentChecks('production', '1.0.0', settings, asBuilt)).toEqual([
      { check: 'environment', expected: 'production', observed: 'production' },
      { check: 'version', expected: '1.0.0', observed: '1.0.0' },
      { check: 'source maps', expected: 'none', observed: 'none' },
      { check: 'minified', expected: 'yes', observed: 'yes' },
      { check: 'default log level', expected: 'info', observed: 'info' },
    ]);
  });
});
