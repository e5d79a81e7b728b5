import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HermesConfig } from '../../config/schema.ts';
import { releaseEnvironment } from '../local/release-env.ts';
import type { Release } from '../target/target.ts';

export interface ReleaseSource {
  /** The source directory (its production build, node_modules and hermes.yaml). */
  cwd: string;
  config: Readonly<HermesConfig>;
  /** The deploying environment. */
  env: Readonly<NodeJS.ProcessEnv>;
  version: string;
  deploymentId: string | null;
  /** `hermes deploy --env KEY=VALUE` pairs. */
  given?: Readonly<Record<string, string>>;
  /** The hermes.yaml the deploying command read (`-c`); default: HERMES_CONFIG, else the source's. */
  configFile?: string | null;
}

/** `package.json`'s version and the commit's first 7 hex digits (DESIGN.md "A release"). */
export function releaseVersion(packageVersion: string, commit: string | null): string {
  return commit === null ? packageVersion : `${packageVersion}+${commit.slice(0, 7)}`;
}

/** The hermes.yaml the deploying command reads (HERMES_CONFIG, else the source's), if there is one. */
export function releaseConfigFile(cwd: string, env: Readonly<NodeJS.ProcessEnv>): string | null {
  const named = env['HERMES_CONFIG'];
  const path = named === undefined || named === '' ? join(cwd, 'hermes.yaml') : resolve(cwd, named);
  return existsSync(path) ? path : null;
}

/** The release the production build of `cwd` makes, with the environment it will run with. */
export function makeRelease(source: ReleaseSource): Release {
  return {
    deploymentId: source.deploymentId,
    version: source.version,
    bundleDir: resolve(source.cwd, source.config.gates.thresholds.build.production.outDir),
    sourceDir: source.cwd,
    configFile:
      source.configFile === undefined ? releaseConfigFile(source.cwd, source.env) : source.configFile,
    env: releaseEnvironment(source.env, source.config.deploy.env, source.given ?? {}),
  };
}
