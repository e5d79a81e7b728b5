import { describe, expect, it } from 'vitest';
import type { AssetManifest, ManifestAsset } from '../../../../src/intake/asset-manifest.ts';
import { manifestProblems } from '../../../../src/gates/builtin/deploy/assets/judge-manifest.ts';
import {
  describeAsset,
  integrityOf,
  versionedFile,
  type PageAsset,
} from '../../../../src/intake/page-assets.ts';
import type { AssetReference } from '../../../../src/intake/pages/page-references.ts';
import { sha256Hex } from '../../../../src/text/sha256-hex.ts';

const cssBody = Buffer.from('form { display: grid; }\n');
const jsBody = Buffer.from('document.querySelector("form");\n');
const css = describeAsset('contact-form.css', cssBody);
const js = describeAsset('contact-form.js', jsBody);

function manifestAsset(asset: PageAsset, baseUrl: string): ManifestAsset {
  return {
    name: asset.name,
    file: asset.file,
    url: `${baseUrl}/${asset.file}`,
    contentType: asset.contentType,
    bytes: asset.body.byteLength,
    sha256: asset.sha256,
    integrity: asset.integrity,
  };
}

function reference(asset: ManifestAsset, overrides: Partial<AssetReference> = {}): AssetReference {
  return {
    tag: asset.name.endsWith('.css') ? 'link' : 'script',
    url: asset.url,
    integrity: asset.integrity,
    crossorigin: 'anonymous',
    ...overrides,
  };
}

/** A manifest whose assets are `assets` under `baseUrl`, the form page loading both, the others the css. */
function manifestOf(assets: readonly ManifestAsset[], baseUrl: string): AssetManifest {
  const [cssAsset, jsAsset] = assets;
  return {
    version: '1.0.0',
    commit: null,
    environment: 'production',
    baseUrl,
    assets,
    pages: [
      {
        page: 'GET /',
        references: [cssAsset, jsAsset].flatMap((a) => (a === undefined ? [] : [reference(a)])),
      },
      { page: 'GET /privacy', references: cssAsset === undefined ? [] : [reference(cssAsset)] },
    ],
  };
}

function consistent(baseUrl = '/assets'): AssetManifest {
  return manifestOf([manifestAsset(css, baseUrl), manifestAsset(js, baseUrl)], baseUrl);
}

/** The build's files as the manifest's assets (`assets/<name>`), and its release.json's hashes. */
function builtFiles(bodies: Partial<Record<string, Buffer | null>> = {}): Map<string, Buffer | null> {
  return new Map<string, Buffer | null>([
    ['contact-form.css', bodies['contact-form.css'] === undefined ? cssBody : bodies['contact-form.css']],
    ['contact-form.js', bodies['contact-form.js'] === undefined ? jsBody : bodies['contact-form.js']],
  ]);
}

function releaseJson(overrides: Record<string, string> = {}): Map<string, string> {
  return new Map(
    Object.entries({
      'hermes.mjs': sha256Hex('bundle'),
      'assets/contact-form.css': sha256Hex(cssBody),
      'assets/contact-form.js': sha256Hex(jsBody),
      ...overrides,
    }),
  );
}

/** The one problem found; fails when there is none or more than one. */
function onlyProblem(problems: string[]): string {
  expect(problems).toHaveLength(1);
  return problems[0] ?? '';
}

/** The manifest with asset `name` changed (and every page reference to it following its URL and integrity). */
function withAsset(
  manifest: AssetManifest,
  name: string,
  change: (asset: ManifestAsset) => ManifestAsset,
): AssetManifest {
  const assets = manifest.assets.map((asset) => (asset.name === name ? change(asset) : asset));
  return manifestOf(assets, manifest.baseUrl);
}

describe('manifestProblems', () => {
  it('finds nothing wrong with a manifest made from the build’s own files', () => {
    expect(manifestProblems(consistent(), builtFiles(), releaseJson())).toEqual([]);
    expect(
      manifestProblems(consistent('https://cdn.example.test/hermes'), builtFiles(), releaseJson()),
    ).toEqual([]);
  });

  it('names an asset missing from the build', () => {
    const problem = onlyProblem(
      manifestProblems(consistent(), builtFiles({ 'contact-form.js': null }), releaseJson()),
    );
    expect(problem).toMatch(/^contact-form\.js: missing from the build/);
    expect(problem).toContain('assets/contact-form.js');
  });

  it('names an asset the build has no entry for at all as missing', () => {
    const built = builtFiles();
    built.delete('contact-form.css');
    expect(onlyProblem(manifestProblems(consistent(), built, releaseJson()))).toMatch(
      /^contact-form\.css: missing from the build/,
    );
  });

  it('names an asset file the build’s release.json does not list', () => {
    const recorded = releaseJson();
    recorded.delete('assets/contact-form.css');
    expect(onlyProblem(manifestProblems(consistent(), builtFiles(), recorded))).toMatch(
      /^contact-form\.css: not in the build's release\.json/,
    );
  });

  it('names an asset file whose bytes are not the ones release.json recorded at the build', () => {
    const atBuild = sha256Hex('the css as built');
    const problem = onlyProblem(
      manifestProblems(consistent(), builtFiles(), releaseJson({ 'assets/contact-form.css': atBuild })),
    );
    expect(problem).toMatch(/^contact-form\.css: changed since the build/);
    expect(problem).toContain(atBuild);
    expect(problem).toContain(css.sha256);
  });

  it('names a file altered after the build both as changed and as not the manifest’s', () => {
    const altered = Buffer.from('console.log("altered");\n');
    const problems = manifestProblems(
      consistent(),
      builtFiles({ 'contact-form.js': altered }),
      releaseJson(),
    );
    expect(problems).toHaveLength(2);
    expect(problems.every((problem) => problem.startsWith('contact-form.js: '))).toBe(true);
    expect(problems.filter((problem) => problem.includes('changed since the build'))).toHaveLength(1);
    expect(problems.filter((problem) => problem.includes(`the manifest says ${js.sha256}`))).toHaveLength(1);
  });

  it('names an asset whose manifest sha256 is not the build file’s', () => {
    const other = sha256Hex('another release');
    // The name follows the wrong hash, so the only thing wrong is the hash itself.
    const manifest = withAsset(consistent(), 'contact-form.js', (asset) => {
      const file = versionedFile(asset.name, other);
      return { ...asset, sha256: other, file, url: `/assets/${file}` };
    });
    const problem = onlyProblem(manifestProblems(manifest, builtFiles(), releaseJson()));
    expect(problem).toMatch(/^contact-form\.js: /);
    expect(problem).toContain(`sha256 ${js.sha256}, the manifest says ${other}`);
  });

  it('names an asset whose integrity is not the one of the build file’s bytes', () => {
    const wrong = integrityOf(Buffer.from('something else'));
    const manifest = withAsset(consistent(), 'contact-form.css', (asset) => ({ ...asset, integrity: wrong }));
    const problem = onlyProblem(manifestProblems(manifest, builtFiles(), releaseJson()));
    expect(problem).toMatch(/^contact-form\.css: integrity /);
    expect(problem).toContain(wrong);
    expect(problem).toContain(css.integrity);
  });

  it('names an asset served under a name not versioned by its content', () => {
    const manifest = withAsset(consistent(), 'contact-form.js', (asset) => ({
      ...asset,
      file: 'contact-form.js',
      url: '/assets/contact-form.js',
    }));
    const problem = onlyProblem(manifestProblems(manifest, builtFiles(), releaseJson()));
    expect(problem).toMatch(/^contact-form\.js: served as contact-form\.js, not versioned by its content/);
    expect(problem).toContain(js.file);
  });

  it('names an asset whose URL is not the base URL and its file', () => {
    const manifest = withAsset(consistent(), 'contact-form.css', (asset) => ({
      ...asset,
      url: `/static/${asset.file}`,
    }));
    const problem = onlyProblem(manifestProblems(manifest, builtFiles(), releaseJson()));
    expect(problem).toBe(`contact-form.css: URL /static/${css.file} is not /assets/${css.file}`);
  });

  it('names a page that loads a URL the manifest does not list', () => {
    const manifest = consistent();
    const unversioned: AssetReference = {
      tag: 'script',
      url: '/assets/contact-form.js',
      integrity: js.integrity,
      crossorigin: 'anonymous',
    };
    const withUnknown: AssetManifest = {
      ...manifest,
      pages: [...manifest.pages, { page: 'GET /thanks', references: [unversioned] }],
    };
    expect(onlyProblem(manifestProblems(withUnknown, builtFiles(), releaseJson()))).toBe(
      'GET /thanks: loads /assets/contact-form.js, which is not a versioned asset of the manifest',
    );
  });

  it('names a page that loads an asset without its integrity attribute', () => {
    const manifest = consistent();
    const jsAsset = manifest.assets[1];
    if (jsAsset === undefined) throw new Error('no js asset');
    const page: AssetManifest = {
      ...manifest,
      pages: [{ page: 'GET /', references: [reference(jsAsset, { integrity: null })] }],
    };
    expect(onlyProblem(manifestProblems(page, builtFiles(), releaseJson()))).toBe(
      `GET /: loads ${js.file} without an integrity attribute`,
    );
  });

  it('names a page that loads an asset with an integrity not the manifest’s', () => {
    const manifest = consistent();
    const cssAsset = manifest.assets[0];
    if (cssAsset === undefined) throw new Error('no css asset');
    const wrong = integrityOf(Buffer.from('an older stylesheet'));
    const page: AssetManifest = {
      ...manifest,
      pages: [{ page: 'GET /privacy', references: [reference(cssAsset, { integrity: wrong })] }],
    };
    const problem = onlyProblem(manifestProblems(page, builtFiles(), releaseJson()));
    expect(problem).toMatch(/^GET \/privacy: loads contact-form\.[0-9a-f]{12}\.css with integrity /);
    expect(problem).toContain(wrong);
    expect(problem).toContain(`not ${css.integrity}`);
  });

  it('names a page that loads an asset from another origin without crossorigin', () => {
    const manifest = consistent('https://cdn.example.test/hermes');
    const jsAsset = manifest.assets[1];
    if (jsAsset === undefined) throw new Error('no js asset');
    const page: AssetManifest = {
      ...manifest,
      pages: [{ page: 'GET /', references: [reference(jsAsset, { crossorigin: null })] }],
    };
    expect(onlyProblem(manifestProblems(page, builtFiles(), releaseJson()))).toBe(
      `GET /: loads ${js.file} from another origin without a crossorigin attribute`,
    );
  });

  it('names a page that loads an asset from another origin with credentials (a CDN’s `*` refuses them)', () => {
    const manifest = consistent('https://cdn.example.test/hermes');
    const jsAsset = manifest.assets[1];
    if (jsAsset === undefined) throw new Error('no js asset');
    const page: AssetManifest = {
      ...manifest,
      pages: [{ page: 'GET /', references: [reference(jsAsset, { crossorigin: 'use-credentials' })] }],
    };
    expect(onlyProblem(manifestProblems(page, builtFiles(), releaseJson()))).toBe(
      `GET /: loads ${js.file} with crossorigin="use-credentials", expected "anonymous"`,
    );
  });

  it('needs no crossorigin for an asset on the pages’ own origin', () => {
    const manifest = consistent('/assets');
    const page: AssetManifest = {
      ...manifest,
      pages: [
        {
          page: 'GET /',
          references: manifest.assets.map((asset) => reference(asset, { crossorigin: null })),
        },
      ],
    };
    expect(manifestProblems(page, builtFiles(), releaseJson())).toEqual([]);
  });

  it('names a manifest that lists no asset', () => {
    const empty: AssetManifest = { ...consistent(), assets: [], pages: [] };
    expect(manifestProblems(empty, new Map(), new Map())).toEqual(['the manifest lists no asset']);
  });
});
