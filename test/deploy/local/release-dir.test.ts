import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { hasCode } from '../../../src/errors/hermes-error.ts';
import { localLayout } from '../../../src/deploy/local/local-layout.ts';
import { createReleaseDir, readReleaseEnv, releaseDirName } from '../../../src/deploy/local/release-dir.ts';
import type { Release } from '../../../src/deploy/target/target.ts';
import { afterThisTest } from '../../support/after-this-test.ts';

const deploymentId = '3f2b8c1a-9d4e-4f6a-8b7c-1d2e3f4a5b6c';

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-release-dir-'));
  afterThisTest(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A source directory with a production build of one file, and the release of it. */
function sourceWithBuild(root: string, options: { modules: boolean; config: boolean }): Release {
  const sourceDir = join(root, 'source');
  const bundleDir = join(sourceDir, 'dist', 'production');
  mkdirSync(join(bundleDir, 'migrations'), { recursive: true });
  writeFileSync(join(bundleDir, 'hermes.mjs'), 'console.log("v1");\n');
  writeFileSync(join(bundleDir, 'migrations', '0001_x.sql'), 'SELECT 1;\n');
  if (options.modules) mkdirSync(join(sourceDir, 'node_modules', 'pg'), { recursive: true });
  const configFile = join(root, 'custom.yaml');
  if (options.config) writeFileSync(configFile, 'server:\n  shutdownGraceMs: 100\n');
  return {
    deploymentId,
    version: '1.2.0+abc1234',
    bundleDir,
    sourceDir,
    configFile: options.config ? configFile : null,
    env: { DATABASE_URL: 'postgres://app:pw@db/app', HERMES_TRUST_PROXY: '127.0.0.1' },
  };
}

describe('releaseDirName', () => {
  const now = new Date('2026-03-04T05:06:07.890Z');

  it('names a release by its version and the first 8 characters of its deployment', () => {
    expect(releaseDirName({ version: '1.2.0+abc1234', deploymentId }, now)).toBe('1.2.0+abc1234-3f2b8c1a');
  });

  it('names a release of no deployment by the time, to the second', () => {
    expect(releaseDirName({ version: '1.2.0', deploymentId: null }, now)).toBe('1.2.0-20260304T050607');
  });

  it('keeps a version from naming another directory', () => {
    const name = releaseDirName({ version: '../../etc/x y', deploymentId }, now);
    expect(name).toBe('.._.._etc_x_y-3f2b8c1a');
    expect(name).not.toContain('/');
  });
});

describe('createReleaseDir', () => {
  it('copies the bundle with the source’s node_modules, the hermes.yaml and its environment (0600)', () => {
    const root = scratch();
    const release = sourceWithBuild(root, { modules: true, config: true });
    const layout = localLayout(root, configSchema.parse({ deploy: { local: { dir: 'deploy' } } }));
    const dir = createReleaseDir(layout, release, new Date());
    expect(dir).toBe(join(root, 'deploy', 'releases', '1.2.0+abc1234-3f2b8c1a'));
    expect(readFileSync(join(dir, 'hermes.mjs'), 'utf8')).toBe('console.log("v1");\n');
    expect(readFileSync(join(dir, 'migrations', '0001_x.sql'), 'utf8')).toBe('SELECT 1;\n');
    expect(lstatSync(join(dir, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'node_modules'))).toBe(join(release.sourceDir, 'node_modules'));
    expect(readFileSync(join(dir, 'hermes.yaml'), 'utf8')).toBe('server:\n  shutdownGraceMs: 100\n');
    expect(statSync(join(dir, 'release-env.json')).mode & 0o777).toBe(0o600);
    expect(readReleaseEnv(dir)).toEqual(release.env);

    // The same release again (a retried deployment): the copy is refreshed, the link kept.
    writeFileSync(join(release.bundleDir, 'hermes.mjs'), 'console.log("v1, rebuilt");\n');
    expect(createReleaseDir(layout, { ...release, env: { A: '1' } }, new Date())).toBe(dir);
    expect(readFileSync(join(dir, 'hermes.mjs'), 'utf8')).toBe('console.log("v1, rebuilt");\n');
    expect(lstatSync(join(dir, 'node_modules')).isSymbolicLink()).toBe(true);
    expect(readReleaseEnv(dir)).toEqual({ A: '1' });
  });

  it('makes no hermes.yaml and no node_modules when the release has none', () => {
    const root = scratch();
    const release = sourceWithBuild(root, { modules: false, config: false });
    const layout = localLayout(root, configSchema.parse({ deploy: { local: { dir: join(root, 'abs') } } }));
    const dir = createReleaseDir(layout, release, new Date());
    expect(dir.startsWith(join(root, 'abs', 'releases'))).toBe(true);
    expect(() => statSync(join(dir, 'hermes.yaml'))).toThrow();
    expect(() => lstatSync(join(dir, 'node_modules'))).toThrow();
  });

  it('refuses a bundle directory without a bundle', () => {
    const root = scratch();
    const layout = localLayout(root, configSchema.parse({}));
    const release: Release = {
      ...sourceWithBuild(root, { modules: false, config: false }),
      bundleDir: join(root, 'nothing-built'),
    };
    let caught: unknown;
    try {
      createReleaseDir(layout, release, new Date());
    } catch (error) {
      caught = error;
    }
    expect(hasCode(caught, 'deploy_target_failed')).toBe(true);
    expect(String(caught)).toContain(`${join(root, 'nothing-built')} holds no hermes.mjs`);
  });
});
