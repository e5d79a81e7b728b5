import { join, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { BuildEnvironmentSettings } from '../../config/sections/build-thresholds.ts';
import { buildStampGlobal, type BuildStamp } from '../../runtime/build-stamp.ts';

/** The environments §2.1.1 builds: `npm run build:staging`, `npm run build:production`. */
export const buildEnvironments = ['staging', 'production'] as const;
export type BuildEnvironment = (typeof buildEnvironments)[number];

/** The bundle's file name in its directory; a release is started as `node <dir>/hermes.mjs serve`. */
export const bundleFile = 'hermes.mjs';
/** Written beside the bundle: what was built, from what, and every file's hash. */
export const manifestFile = 'release.json';

export interface SourceRelease {
  readonly version: string;
  readonly commit: string | null;
}

export interface BuildPlan {
  readonly environment: BuildEnvironment;
  /** The entry module, absolute. */
  readonly entry: string;
  readonly outDir: string;
  readonly outfile: string;
  readonly copy: readonly { readonly from: string; readonly to: string }[];
  readonly stamp: BuildStamp;
  readonly esbuild: BuildOptions & { outfile: string; metafile: true; write: true };
}

/**
 * One environment's build, computed before anything is written. Dependencies stay external (they
 * are in node_modules beside the release); the bundle is ESM for Node 20, like the sources.
 */
export function planBuild(
  cwd: string,
  environment: BuildEnvironment,
  settings: BuildEnvironmentSettings,
  source: SourceRelease,
): BuildPlan {
  const outDir = resolve(cwd, settings.outDir);
  const outfile = join(outDir, bundleFile);
  const entry = resolve(cwd, settings.entry);
  const stamp: BuildStamp = {
    environment,
    logLevel: settings.logLevel,
    version: source.version,
    commit: source.commit,
  };
  return {
    environment,
    entry,
    outDir,
    outfile,
    copy: settings.copy.map((c) => ({ from: resolve(cwd, c.from), to: join(outDir, c.to) })),
    stamp,
    esbuild: {
      absWorkingDir: cwd,
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      minify: settings.minify,
      // `linked`: a .map file beside the bundle and the comment that points to it.
      sourcemap: settings.sourcemap ? 'linked' : false,
      legalComments: 'none',
      define: { [buildStampGlobal]: JSON.stringify(stamp) },
      metafile: true,
      write: true,
      logLevel: 'silent',
    },
  };
}
