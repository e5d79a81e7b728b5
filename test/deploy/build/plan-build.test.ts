import { describe, expect, it } from 'vitest';
import { buildThresholds } from '../../../src/config/sections/build-thresholds.ts';
import { planBuild } from '../../../src/deploy/build/plan-build.ts';

const defaults = buildThresholds.parse(undefined);
const source = { version: '1.2.3', commit: 'abc1234' };

describe('planBuild', () => {
  it('plans production minified, without source maps, stamped with its environment and log level', () => {
    const plan = planBuild('/repo', 'production', defaults.production, source);
    expect(plan.entry).toBe('/repo/src/cli/run.ts');
    expect(plan.outDir).toBe('/repo/dist/production');
    expect(plan.outfile).toBe('/repo/dist/production/hermes.mjs');
    expect(plan.esbuild).toMatchObject({
      entryPoints: ['/repo/src/cli/run.ts'],
      outfile: '/repo/dist/production/hermes.mjs',
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      minify: true,
      sourcemap: false,
    });
    expect(plan.stamp).toEqual({
      environment: 'production',
      logLevel: 'info',
      version: '1.2.3',
      commit: 'abc1234',
    });
    expect(JSON.parse(plan.esbuild.define?.__HERMES_BUILD__ ?? 'null')).toEqual(plan.stamp);
    expect(plan.copy).toEqual([
      { from: '/repo/package.json', to: '/repo/dist/production/package.json' },
      { from: '/repo/migrations', to: '/repo/dist/production/migrations' },
      { from: '/repo/src/intake/assets', to: '/repo/dist/production/assets' },
    ]);
  });

  it('plans staging readable, with linked source maps and debug logging', () => {
    const plan = planBuild('/repo', 'staging', defaults.staging, { version: '1.2.3', commit: null });
    expect(plan.outDir).toBe('/repo/dist/staging');
    expect(plan.esbuild).toMatchObject({ minify: false, sourcemap: 'linked' });
    expect(plan.stamp).toEqual({ environment: 'staging', logLevel: 'debug', version: '1.2.3', commit: null });
  });

  it('takes every setting from the configuration', () => {
    const settings = buildThresholds.parse({
      production: {
        entry: 'server/main.ts',
        outDir: 'out/prod',
        copy: [{ from: 'public', to: 'static' }],
        sourcemap: true,
        minify: false,
        logLevel: 'warn',
      },
    }).production;
    const plan = planBuild('/app', 'production', settings, source);
    expect(plan.esbuild).toMatchObject({
      entryPoints: ['/app/server/main.ts'],
      outfile: '/app/out/prod/hermes.mjs',
      minify: false,
      sourcemap: 'linked',
    });
    expect(plan.stamp.logLevel).toBe('warn');
    expect(plan.copy).toEqual([{ from: '/app/public', to: '/app/out/prod/static' }]);
  });
});

describe('gates.thresholds.build', () => {
  it.each([
    ['an absolute outDir', { production: { outDir: '/tmp/out' } }, ['production', 'outDir']],
    ['an entry outside the repository', { staging: { entry: '../elsewhere.ts' } }, ['staging', 'entry']],
    ['an unknown log level', { production: { logLevel: 'loud' } }, ['production', 'logLevel']],
    ['a budget of 0 KB', { production: { maxSizeKb: 0 } }, ['production', 'maxSizeKb']],
    ['an unknown key', { production: { sourceMaps: true } }, ['production']],
  ])('refuses %s, naming the key', (_what, input, path) => {
    const result = buildThresholds.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});
