import type { AssetManifest } from '../../../../intake/asset-manifest.ts';
import { integrityOf, versionedFile } from '../../../../intake/page-assets.ts';
import { sha256Hex } from '../../../../text/sha256-hex.ts';

/**
 * What is wrong between a release's manifest, the asset files of its build and its pages, one line
 * per problem naming the asset or page: a file missing from the build or not the one the manifest
 * hashes, a name not versioned by its content, a page loading an asset the manifest does not
 * list, or without its integrity (or, from another origin, without `crossorigin`).
 * `built`: each manifest asset's bytes in the build (`assets/<name>`), null when missing;
 * `recorded`: the sha256 of every file the build wrote, by path (its release.json).
 */
export function manifestProblems(
  manifest: AssetManifest,
  built: ReadonlyMap<string, Buffer | null>,
  recorded: ReadonlyMap<string, string>,
): string[] {
  const problems: string[] = [];
  if (manifest.assets.length === 0) problems.push('the manifest lists no asset');
  for (const asset of manifest.assets) {
    const body = built.get(asset.name) ?? null;
    if (body === null) {
      problems.push(`${asset.name}: missing from the build (assets/${asset.name})`);
      continue;
    }
    const sha256 = sha256Hex(body);
    const atBuild = recorded.get(`assets/${asset.name}`);
    if (atBuild === undefined)
      problems.push(`${asset.name}: not in the build's release.json (not written by the build)`);
    else if (atBuild !== sha256)
      problems.push(
        `${asset.name}: changed since the build (release.json has sha256 ${atBuild}, the file ${sha256})`,
      );
    if (sha256 !== asset.sha256)
      problems.push(
        `${asset.name}: the build's file has sha256 ${sha256}, the manifest says ${asset.sha256}`,
      );
    else if (integrityOf(body) !== asset.integrity)
      problems.push(
        `${asset.name}: integrity ${asset.integrity} is not the build file's ${integrityOf(body)}`,
      );
    if (asset.file !== versionedFile(asset.name, asset.sha256))
      problems.push(
        `${asset.name}: served as ${asset.file}, not versioned by its content (${versionedFile(asset.name, asset.sha256)})`,
      );
    if (asset.url !== `${manifest.baseUrl}/${asset.file}`)
      problems.push(`${asset.name}: URL ${asset.url} is not ${manifest.baseUrl}/${asset.file}`);
  }
  const byUrl = new Map(manifest.assets.map((asset) => [asset.url, asset]));
  const crossOrigin = URL.canParse(manifest.baseUrl);
  for (const { page, references } of manifest.pages) {
    for (const reference of references) {
      const asset = byUrl.get(reference.url);
      if (asset === undefined) {
        problems.push(`${page}: loads ${reference.url}, which is not a versioned asset of the manifest`);
        continue;
      }
      if (reference.integrity === null)
        problems.push(`${page}: loads ${asset.file} without an integrity attribute`);
      else if (reference.integrity !== asset.integrity)
        problems.push(
          `${page}: loads ${asset.file} with integrity ${reference.integrity}, not ${asset.integrity}`,
        );
      // Anonymous: a CDN answers `Access-Control-Allow-Origin: *`, which a credentialed request refuses.
      if (crossOrigin && reference.crossorigin === null)
        problems.push(`${page}: loads ${asset.file} from another origin without a crossorigin attribute`);
      else if (crossOrigin && reference.crossorigin !== 'anonymous')
        problems.push(
          `${page}: loads ${asset.file} with crossorigin="${reference.crossorigin ?? ''}", expected "anonymous"`,
        );
    }
  }
  return problems;
}
