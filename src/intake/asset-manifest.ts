import type { HermesConfig } from '../config/schema.ts';
import { assetReference, type PageAssets } from './page-assets.ts';
import { assetReferences, type AssetReference } from './pages/page-references.ts';
import { renderConfirmationPage } from './pages/render-confirmation-page.ts';
import { renderFormPage } from './pages/render-form-page.ts';
import { renderPrivacyPage } from './pages/render-privacy-page.ts';

/** A page as this release renders it, named by the route that answers it. */
export interface RenderedPage {
  readonly page: string;
  readonly html: string;
}

export interface ManifestAsset {
  readonly name: string;
  readonly file: string;
  /** Where the pages load it from: the base URL and the versioned file. */
  readonly url: string;
  readonly contentType: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly integrity: string;
}

/**
 * Every asset the pages of a release serve, with its hashes, and every reference the pages make
 * (`hermes assets manifest --json`). `assets:validate` checks the build and the upload against it.
 */
export interface AssetManifest {
  readonly version: string;
  readonly commit: string | null;
  /** The build's environment; null when run from the sources. */
  readonly environment: string | null;
  readonly baseUrl: string;
  readonly assets: readonly ManifestAsset[];
  readonly pages: readonly { readonly page: string; readonly references: readonly AssetReference[] }[];
}

/** A lead id no lead has: the confirmation page is rendered for the manifest, not for a lead. */
const sampleLeadId = '00000000-0000-4000-8000-000000000000';

/** Every page the intake serves, rendered as it would answer (a placeholder form token, no lead). */
export function renderPages(
  assets: PageAssets,
  config: Pick<Readonly<HermesConfig>, 'intake' | 'admin'>,
): RenderedPage[] {
  const { intake } = config;
  return [
    {
      page: 'GET /',
      html: renderFormPage({
        formToken: 'manifest',
        honeypotField: intake.honeypotField,
        privacyPolicyVersion: intake.privacyPolicyVersion,
        privacyPolicyUrl: intake.privacyPolicyUrl,
        assets,
      }),
    },
    {
      page: 'GET /privacy',
      html: renderPrivacyPage(intake.privacyPolicyVersion, config.admin.retentionDays, assets),
    },
    { page: 'POST /api/contact (form confirmation)', html: renderConfirmationPage(sampleLeadId, assets) },
  ];
}

export function assetManifest(
  assets: PageAssets,
  pages: readonly RenderedPage[],
  release: { version: string; commit: string | null; environment: string | null },
): AssetManifest {
  return {
    ...release,
    baseUrl: assets.baseUrl,
    assets: assets.files.map((asset) => ({
      name: asset.name,
      file: asset.file,
      url: assetReference(assets, asset.name).url,
      contentType: asset.contentType,
      bytes: asset.body.byteLength,
      sha256: asset.sha256,
      integrity: asset.integrity,
    })),
    pages: pages.map(({ page, html }) => ({ page, references: assetReferences(html) })),
  };
}
