import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { makeRelease, releaseConfigFile, releaseVersion } from '../../../src/deploy/release/make-release.ts';

describe('releaseVersion', () => {
  it("is package.json's version and the commit's first 7 digits", () => {
    expect(releaseVersion('1.2.3', '0123456789abcdef0123456789abcdef01234567')).toBe('1.2.3+0123456');
  });
  it('is the version alone outside git', () => {
    expect(releaseVersion('1.2.3', null)).toBe('1.2.3');
  });
});

describe('releaseConfigFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-release-config-'));

  it('is null when the source has no hermes.yaml and HERMES_CONFIG names none', () => {
    expect(releaseConfigFile(dir, {})).toBeNull();
  });

  it("is the source's hermes.yaml, or the file HERMES_CONFIG names (relative to the source)", () => {
    writeFileSync(join(dir, 'hermes.yaml'), 'environment: production\n');
    writeFileSync(join(dir, 'other.yaml'), 'environment: staging\n');
    expect(releaseConfigFile(dir, {})).toBe(join(dir, 'hermes.yaml'));
    expect(releaseConfigFile(dir, { HERMES_CONFIG: 'other.yaml' })).toBe(join(dir, 'other.yaml'));
    expect(releaseConfigFile(dir, { HERMES_CONFIG: '' })).toBe(join(dir, 'hermes.yaml'));
    expect(releaseConfigFile(dir, { HERMES_CONFIG: 'missing.yaml' })).toBeNull();
  });
});

describe('makeRelease', () => {
  it("releases the production build's directory with the environment's layers and the config read", () => {
    const config = configSchema.parse({
      deploy: { env: { HERMES_MIN_FILL_MS: '100', FROM_CONFIG: 'yes' } },
      gates: { thresholds: { build: { production: { outDir: 'out/prod' } } } },
    });
    const release = makeRelease({
      cwd: '/srv/source',
      config,
      env: { DATABASE_URL: 'postgres://db/hermes', UNRELATED: 'x', HERMES_MIN_FILL_MS: '50' },
      version: '2.0.0',
      deploymentId: null,
      given: { HERMES_MIN_FILL_MS: '0' },
      configFile: '/etc/hermes.yaml',
    });
    expect(release).toMatchObject({
      bundleDir: '/srv/source/out/prod',
      sourceDir: '/srv/source',
      configFile: '/etc/hermes.yaml',
      version: '2.0.0',
    });
    expect(release.env).toMatchObject({
      DATABASE_URL: 'postgres://db/hermes',
      HERMES_MIN_FILL_MS: '0',
      FROM_CONFIG: 'yes',
    });
    expect(release.env).not.toHaveProperty('UNRELATED');
  });
});
