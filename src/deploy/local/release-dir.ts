import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { HermesError } from '../../errors/hermes-error.ts';
import type { Release } from '../target/target.ts';
import type { LocalLayout } from './local-layout.ts';

/** The bundle's own name in a production build (src/deploy/build). */
export const bundleFile = 'hermes.mjs';
const envFile = 'release-env.json';

/** A release's directory name: its version and deployment, readable in a listing. */
export function releaseDirName(release: Pick<Release, 'version' | 'deploymentId'>, now: Date): string {
  const suffix = release.deploymentId?.slice(0, 8) ?? now.toISOString().replaceAll(/[-:]/g, '').slice(0, 15);
  return `${release.version.replaceAll(/[^\w.+-]/g, '_')}-${suffix}`;
}

/**
 * Copies the bundle into a directory of its own, so that a later build cannot change a release
 * that runs: its hermes.yaml, its
 * environment (mode 0600: it may hold DATABASE_URL's password), and the source's node_modules,
 * which the bundle leaves external.
 */
export function createReleaseDir(layout: LocalLayout, release: Release, now: Date): string {
  if (!existsSync(join(release.bundleDir, bundleFile))) {
    throw new HermesError(
      'deploy_target_failed',
      `${release.bundleDir} holds no ${bundleFile}: run the production build first (npm run build:production)`,
    );
  }
  const dir = join(layout.releasesDir, releaseDirName(release, now));
  mkdirSync(layout.releasesDir, { recursive: true });
  cpSync(release.bundleDir, dir, { recursive: true, force: true });
  const modules = join(release.sourceDir, 'node_modules');
  if (existsSync(modules) && !existsSync(join(dir, 'node_modules')))
    symlinkSync(modules, join(dir, 'node_modules'), 'dir');
  if (release.configFile !== null) cpSync(release.configFile, join(dir, 'hermes.yaml'));
  writeFileSync(join(dir, envFile), `${JSON.stringify(release.env, null, 2)}\n`, { mode: 0o600 });
  chmodSync(join(dir, envFile), 0o600);
  return dir;
}

const storedEnv = z.record(z.string(), z.string());

/** The environment a release was started with, to start it again the same way (a switch back). */
export function readReleaseEnv(dir: string): Record<string, string> {
  return storedEnv.parse(JSON.parse(readFileSync(join(dir, envFile), 'utf8')));
}
