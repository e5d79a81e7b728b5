import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { sha256Hex } from '../text/sha256-hex.ts';

/** The browser assets the pages load, with the type each is served as. */
export const pageAssetTypes = {
  'contact-form.css': 'text/css; charset=utf-8',
  'contact-form.js': 'text/javascript; charset=utf-8',
} as const;
export type PageAssetName = keyof typeof pageAssetTypes;

/** One asset as the pages reference it and this release serves it. */
export interface PageAsset {
  readonly name: PageAssetName;
  /** The versioned file name: the content's hash in it, so a changed asset is a new URL. */
  readonly file: string;
  readonly contentType: string;
  /** Hex. */
  readonly sha256: string;
  /** The Subresource Integrity value of the `integrity` attribute (`sha384-<base64>`). */
  readonly integrity: string;
  readonly body: Buffer;
}

/** Where the pages load their assets from: `/assets` (this origin), or `assets.publicBaseUrl`. */
export interface PageAssets {
  readonly baseUrl: string;
  readonly files: readonly PageAsset[];
}

const defaultAssetBase = '/assets';

/** Hex digits of the sha256 in a versioned name: enough to tell releases apart, short enough to read. */
const nameHashLength = 12;

/** `contact-form.js` whose sha256 starts `3f2a…` → `contact-form.3f2a….js`. */
export function versionedFile(name: string, sha256: string): string {
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)}.${sha256.slice(0, nameHashLength)}${ext}`;
}

/** SRI's sha384 (the W3C spec's recommendation), of the exact bytes served. */
export function integrityOf(body: Uint8Array): string {
  return `sha384-${createHash('sha384').update(body).digest('base64')}`;
}

export function describeAsset(name: PageAssetName, body: Buffer): PageAsset {
  const sha256 = sha256Hex(body);
  return {
    name,
    file: versionedFile(name, sha256),
    contentType: pageAssetTypes[name],
    sha256,
    integrity: integrityOf(body),
    body,
  };
}

/** The assets as this release serves them, read once from `dir`, under `baseUrl` (default `/assets`). */
export async function loadPageAssets(dir: string, baseUrl: string | null): Promise<PageAssets> {
  const files: PageAsset[] = [];
  for (const name of Object.keys(pageAssetTypes) as PageAssetName[]) {
    files.push(describeAsset(name, await readFile(join(dir, name))));
  }
  return { baseUrl: (baseUrl ?? defaultAssetBase).replace(/\/+$/, ''), files };
}

/** The attributes that load `name`: its versioned URL and its integrity. */
export function assetReference(assets: PageAssets, name: PageAssetName): { url: string; integrity: string } {
  const asset = assets.files.find((a) => a.name === name);
  if (asset === undefined) throw new Error(`page asset ${name} was not loaded`);
  return { url: `${assets.baseUrl}/${asset.file}`, integrity: asset.integrity };
}

/** The origin the assets come from when it is not the page's own (for the CSP); null when it is. */
export function assetOrigin(baseUrl: string | null): string | null {
  return baseUrl !== null && URL.canParse(baseUrl) ? new URL(baseUrl).origin : null;
}
