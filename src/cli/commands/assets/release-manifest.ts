import type { HermesConfig } from '../../../config/schema.ts';
import { assetManifest, renderPages, type AssetManifest } from '../../../intake/asset-manifest.ts';
import { loadPageAssets } from '../../../intake/page-assets.ts';
import { hermesVersion } from '../../../observability/version.ts';
import { buildStamp } from '../../../runtime/build-stamp.ts';
import { hermesFiles } from '../../../runtime/hermes-files.ts';
import type { Output } from '../../output.ts';
import { printTable } from '../../print-table.ts';

/** The manifest of the assets this Hermes (its sources, or the bundle that runs) serves. */
export async function releaseManifest(config: Readonly<HermesConfig>): Promise<AssetManifest> {
  const assets = await loadPageAssets(hermesFiles.intakeAssets, config.assets.publicBaseUrl);
  return assetManifest(assets, renderPages(assets, config), {
    version: buildStamp?.version ?? hermesVersion,
    commit: buildStamp?.commit ?? null,
    environment: buildStamp?.environment ?? null,
  });
}

export function printManifest(output: Output, manifest: AssetManifest): void {
  const built = manifest.environment === null ? 'from the sources' : `${manifest.environment} build`;
  output.line(`Hermes ${manifest.version} (${built}); assets from ${manifest.baseUrl}`);
  output.line();
  printTable(output, [
    ['ASSET', 'FILE', 'BYTES', 'SHA256', 'INTEGRITY'],
    ...manifest.assets.map((a) => [a.name, a.file, String(a.bytes), a.sha256, a.integrity]),
  ]);
  output.line();
  printTable(output, [
    ['PAGE', 'LOADS', 'INTEGRITY'],
    ...manifest.pages.flatMap((page) =>
      page.references.map((r) => [page.page, r.url, r.integrity ?? '(none)']),
    ),
  ]);
}
