import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HermesConfig } from '../../../../config/schema.ts';
import type { AssetManifest } from '../../../../intake/asset-manifest.ts';

/**
 * Where the manifests of the releases validated from this directory are kept: with the targets'
 * own state (`deploy.local.dir`, default `.hermes/`), never in the source tree.
 */
export function assetHistoryDir(cwd: string, config: Readonly<HermesConfig>): string {
  return join(resolve(cwd, config.deploy.local.dir), 'assets-history');
}

const fileOf = (version: string) => `${version.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

/** Keeps a validated release's manifest, so that a later one can tell an earlier release's asset. */
export function rememberManifest(dir: string, manifest: AssetManifest): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, fileOf(manifest.version)), `${JSON.stringify(manifest, null, 2)}\n`);
}

function isManifestLike(value: unknown): value is Pick<AssetManifest, 'version' | 'assets'> {
  if (typeof value !== 'object' || value === null) return false;
  const { version, assets } = value as Record<string, unknown>;
  return typeof version === 'string' && Array.isArray(assets);
}

/** The sha256 of every asset of an earlier release kept in `dir`, with that release's version. */
export function earlierAssets(dir: string, exceptVersion: string): Map<string, string> {
  const earlier = new Map<string, string>();
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.json'));
  } catch {
    return earlier;
  }
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch {
      continue;
    }
    if (!isManifestLike(parsed) || parsed.version === exceptVersion) continue;
    for (const asset of parsed.assets as unknown[]) {
      const sha256 = (asset as { sha256?: unknown } | null)?.sha256;
      if (typeof sha256 === 'string') earlier.set(sha256, parsed.version);
    }
  }
  return earlier;
}
