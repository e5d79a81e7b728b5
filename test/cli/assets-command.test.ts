import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AssetManifest } from '../../src/intake/asset-manifest.ts';
import { sha256Hex } from '../../src/text/sha256-hex.ts';
import { runCliInProcess } from './in-process-cli.ts';

// `hermes assets manifest`: run from the sources, it lists the sources' assets (src/intake/assets).
const assetsDir = new URL('../../src/intake/assets/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'hermes-assets-command-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function configWith(yaml: string): string {
  const path = join(dir, `hermes-${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

describe('hermes assets manifest', () => {
  it('--json: every asset with its versioned file, hashes and URL under the CDN, and the pages’ references', async () => {
    const config = configWith('assets:\n  publicBaseUrl: https://cdn.example.test/hermes/\n');
    const result = await runCliInProcess(['--json', 'assets', 'manifest'], {
      env: { HERMES_CONFIG: config },
    });
    expect(result.code, result.stderr).toBe(0);
    const manifest = JSON.parse(result.stdout) as AssetManifest;
    expect(manifest).toMatchObject({
      environment: null,
      commit: null,
      baseUrl: 'https://cdn.example.test/hermes',
    });
    for (const name of ['contact-form.css', 'contact-form.js']) {
      const asset = manifest.assets.find((a) => a.name === name);
      const body = readFileSync(new URL(name, assetsDir));
      expect(asset?.sha256).toBe(sha256Hex(body));
      expect(asset?.bytes).toBe(body.byteLength);
      expect(asset?.url).toBe(`https://cdn.example.test/hermes/${asset?.file ?? ''}`);
    }
    const form = manifest.pages.find((page) => page.page === 'GET /');
    expect(form?.references.map((r) => [r.url, r.integrity, r.crossorigin])).toEqual(
      manifest.assets.map((a) => [a.url, a.integrity, 'anonymous']),
    );
  });

  it('prints a table of the assets and of what each page loads', async () => {
    const result = await runCliInProcess(['assets', 'manifest'], {
      env: { HERMES_CONFIG: configWith('{}\n') },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^Hermes \d+\.\d+\.\d+ \(from the sources\); assets from \/assets$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ASSET +FILE +BYTES +SHA256 +INTEGRITY$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^contact-form\.js +contact-form\.[0-9a-f]{12}\.js +\d+ +[0-9a-f]{64} +sha384-/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^GET \/privacy +\/assets\/contact-form\.[0-9a-f]{12}\.css +sha384-/),
    );
  });
});
