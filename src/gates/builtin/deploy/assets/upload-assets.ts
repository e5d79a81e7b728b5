import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HermesConfig } from '../../../../config/schema.ts';
import { publishToDir, type PublishedFile } from '../../../../deploy/assets/publish-to-dir.ts';
import type { Target } from '../../../../deploy/target/target.ts';
import type { AssetManifest } from '../../../../intake/asset-manifest.ts';
import { outputTail } from '../../../../text/output-tail.ts';
import { runTool } from '../../support/run-tool.ts';

/** Where a release's assets go (§2.1.2), decided from the config and what the target can serve. */
export type AssetsDestination =
  | { kind: 'dir'; dir: string }
  | { kind: 'command'; command: string }
  | { kind: 'target' }
  | { kind: 'release' };

export function assetsDestination(
  config: Readonly<HermesConfig>,
  cwd: string,
  target: Pick<Target, 'assetsHome'> | null,
): AssetsDestination {
  const { dir, command } = config.assets.upload;
  if (dir !== null) return { kind: 'dir', dir: resolve(cwd, dir) };
  if (command !== null) return { kind: 'command', command };
  return target?.assetsHome === undefined ? { kind: 'release' } : { kind: 'target' };
}

/** What assets:validate will do, for `hermes deploy --dry-run`. */
export function assetsPlan(
  config: Readonly<HermesConfig>,
  cwd: string,
  target: Pick<Target, 'assetsHome' | 'name' | 'publicUrl'>,
): string[] {
  const destination = assetsDestination(config, cwd, target);
  const base = config.assets.publicBaseUrl ?? `${target.publicUrl}/assets`;
  const check =
    'the bundle lists its assets (hermes assets manifest): checked against the build and its pages, written as assets-manifest.json';
  switch (destination.kind) {
    case 'release':
      return [check, `no upload: the ${target.name} target's releases serve their own at /assets`];
    case 'dir':
      return [check, `copy the versioned files into ${destination.dir}`, `fetch each back from ${base}`];
    case 'command':
      return [check, `run assets.upload.command: ${destination.command}`, `fetch each back from ${base}`];
    case 'target':
      return [
        check,
        `copy the versioned files into the ${target.name} target's /assets/ directory (its nginx started if not running)`,
        `fetch each back from ${base}`,
      ];
  }
}

export interface Upload {
  /** Where it went, for the summary. */
  where: string;
  /** The URL the uploaded files are served from, when the destination says (the target's). */
  servedFrom: string | null;
  detail: string;
}

export const manifestFileName = 'assets-manifest.json';

const manifestJson = (manifest: AssetManifest) => `${JSON.stringify(manifest, null, 2)}\n`;

/**
 * Puts the versioned files where the pages load them from; throws with what went wrong. A command
 * gets a directory holding them (HERMES_ASSETS_DIR), the manifest beside it (HERMES_ASSETS_MANIFEST), the
 * release's version (HERMES_RELEASE_VERSION) and the URL they must answer at (HERMES_ASSETS_BASE_URL).
 */
export async function uploadAssets(
  destination: Exclude<AssetsDestination, { kind: 'release' }>,
  files: readonly PublishedFile[],
  manifest: AssetManifest,
  run: { cwd: string; env: Readonly<NodeJS.ProcessEnv>; signal: AbortSignal; target: Target | null },
): Promise<Upload> {
  if (destination.kind === 'dir' || destination.kind === 'target') {
    const home = destination.kind === 'target' ? await run.target?.assetsHome?.() : undefined;
    const dir = destination.kind === 'dir' ? destination.dir : home?.dir;
    if (dir === undefined) throw new Error('the target gave no directory for its assets');
    const done = publishToDir(dir, files);
    const detail = [
      `written: ${done.written.join(', ') || 'none'}`,
      `already there: ${done.kept.join(', ') || 'none'}`,
      ...(done.replaced.length > 0
        ? [`replaced (other bytes under this release's name): ${done.replaced.join(', ')}`]
        : []),
    ].join('\n');
    return { where: dir, servedFrom: home?.baseUrl ?? null, detail };
  }
  const staging = mkdtempSync(join(tmpdir(), 'hermes-assets-'));
  try {
    // The manifest beside the files, not among them: a sync of the directory must not publish an
    // unversioned file under a cache policy meant for versioned ones.
    const staged = join(staging, 'files');
    publishToDir(staged, files);
    const manifestPath = join(staging, manifestFileName);
    writeFileSync(manifestPath, manifestJson(manifest));
    const env = {
      ...run.env,
      HERMES_ASSETS_DIR: staged,
      HERMES_ASSETS_MANIFEST: manifestPath,
      HERMES_RELEASE_VERSION: manifest.version,
      HERMES_ASSETS_BASE_URL: manifest.baseUrl,
    };
    const result = await runTool('/bin/sh', ['-c', destination.command], {
      cwd: run.cwd,
      env,
      signal: run.signal,
    });
    const printed = outputTail(result.stderr || result.stdout, 5);
    if (result.code !== 0)
      throw new Error(
        `assets.upload.command failed (${result.code === null ? 'stopped' : `exit ${String(result.code)}`})${printed === '' ? '' : `: ${printed}`}`,
      );
    return { where: 'assets.upload.command', servedFrom: null, detail: printed };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes the manifest beside the build, where a release and its reports find it. */
export function writeBuildManifest(bundleDir: string, manifest: AssetManifest): string {
  const path = join(bundleDir, manifestFileName);
  writeFileSync(path, manifestJson(manifest));
  return path;
}
