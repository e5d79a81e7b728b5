import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assetsSection } from '../../src/config/sections/assets.ts';
import { assetOrigin, describeAsset, versionedFile } from '../../src/intake/page-assets.ts';

describe('page assets', () => {
  it('names a file by the first 12 hex digits of its sha256 and gives the SRI of its exact bytes', () => {
    const body = Buffer.from('console.log(1);\n');
    const asset = describeAsset('contact-form.js', body);
    const hex = createHash('sha256').update(body).digest('hex');
    expect(asset.file).toBe(`contact-form.${hex.slice(0, 12)}.js`);
    expect(asset.sha256).toBe(hex);
    expect(asset.integrity).toBe(`sha384-${createHash('sha384').update(body).digest('base64')}`);
    expect(describeAsset('contact-form.js', Buffer.from('console.log(2);\n')).file).not.toBe(asset.file);
    expect(versionedFile('a.b.css', 'abcdef0123456789')).toBe('a.b.abcdef012345.css');
  });

  it('adds an origin to the CSP only for an absolute base URL', () => {
    expect(assetOrigin(null)).toBeNull();
    expect(assetOrigin('https://cdn.example.test/x/')).toBe('https://cdn.example.test');
  });

  it('takes an http(s) base URL or none', () => {
    expect(assetsSection.safeParse({ publicBaseUrl: 'ftp://x' }).success).toBe(false);
    expect(assetsSection.safeParse({ publicBaseUrl: 'https://cdn.example.test/h' }).success).toBe(true);
    expect(assetsSection.parse({})).toEqual({ publicBaseUrl: null, upload: { dir: null, command: null } });
  });
});
