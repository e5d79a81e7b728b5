import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  fetchServed,
  servedProblem,
  type ServedAsset,
  type ServedContext,
} from '../../../../src/gates/builtin/deploy/assets/served-asset.ts';
import type { ManifestAsset } from '../../../../src/intake/asset-manifest.ts';
import { describeAsset } from '../../../../src/intake/page-assets.ts';
import { sha256Hex } from '../../../../src/text/sha256-hex.ts';

const body = Buffer.from('document.querySelector("form");\n');
const described = describeAsset('contact-form.js', body);
const asset: ManifestAsset = {
  name: described.name,
  file: described.file,
  url: `https://cdn.example.test/hermes/${described.file}`,
  contentType: described.contentType,
  bytes: body.byteLength,
  sha256: described.sha256,
  integrity: described.integrity,
};

const pageOrigin = 'https://hermes.example.test';
const sameOrigin: ServedContext = { crossOrigin: false, pageOrigin: null, earlier: new Map() };
const fromCdn: ServedContext = { crossOrigin: true, pageOrigin, earlier: new Map() };

function served(overrides: Partial<ServedAsset> = {}): ServedAsset {
  return {
    status: 200,
    failure: null,
    body,
    contentType: 'text/javascript; charset=utf-8',
    allowOrigin: null,
    ...overrides,
  };
}

describe('servedProblem', () => {
  it('finds nothing wrong with the release’s bytes served as their type', () => {
    expect(servedProblem(asset, served(), sameOrigin)).toBeNull();
    expect(servedProblem(asset, served({ allowOrigin: pageOrigin }), fromCdn)).toBeNull();
  });

  it('calls an asset that got no answer missing, with why and from where', () => {
    const failure = 'connect ECONNREFUSED 127.0.0.1:8443';
    const problem = servedProblem(
      asset,
      served({ status: null, failure, body: null, contentType: null }),
      sameOrigin,
    );
    expect(problem).toBe(`${asset.file}: missing (${failure} from ${asset.url})`);
  });

  it('calls an asset answered with another status missing, with the status', () => {
    const problem = servedProblem(asset, served({ status: 404, body: null }), sameOrigin);
    expect(problem?.startsWith(`${asset.file}: missing (`)).toBe(true);
    expect(problem).toContain('404');
    expect(problem).toContain(asset.url);
  });

  it('calls other bytes altered, naming both hashes', () => {
    const other = Buffer.from('tampered();\n');
    const problem = servedProblem(asset, served({ body: other }), sameOrigin);
    expect(problem).toMatch(/: altered \(/);
    expect(problem).toContain(sha256Hex(other));
    expect(problem).toContain(asset.sha256);
    expect(problem?.startsWith(`${asset.file}: `)).toBe(true);
  });

  it('calls the bytes of an earlier release stale, naming that release', () => {
    const older = Buffer.from('document.querySelector("old-form");\n');
    const context: ServedContext = {
      ...sameOrigin,
      earlier: new Map([
        [sha256Hex('unrelated'), '0.8.0'],
        [sha256Hex(older), '0.9.1+abc1234'],
      ]),
    };
    const problem = servedProblem(asset, served({ body: older }), context);
    expect(problem).toMatch(/: stale \(/);
    expect(problem).toContain('release 0.9.1+abc1234');
    expect(problem).not.toContain('altered');
  });

  it('compares the media type without its parameters', () => {
    expect(servedProblem(asset, served({ contentType: 'text/javascript' }), sameOrigin)).toBeNull();
    expect(
      servedProblem(asset, served({ contentType: 'Text/JavaScript;charset=UTF-8' }), sameOrigin),
    ).toBeNull();
  });

  it('refuses an asset served as another type, or with none', () => {
    const plain = servedProblem(asset, served({ contentType: 'text/plain; charset=utf-8' }), sameOrigin);
    expect(plain).toBe(
      `${asset.file}: served as text/plain, expected text/javascript (a browser refuses it)`,
    );
    expect(servedProblem(asset, served({ contentType: null }), sameOrigin)).toContain('served as (none)');
  });

  it('from another origin needs Access-Control-Allow-Origin', () => {
    const problem = servedProblem(asset, served({ allowOrigin: null }), fromCdn);
    expect(problem).toMatch(/no Access-Control-Allow-Origin/);
    expect(problem?.startsWith(`${asset.file}: `)).toBe(true);
  });

  it('from another origin refuses an Access-Control-Allow-Origin for a different origin', () => {
    const problem = servedProblem(asset, served({ allowOrigin: 'https://elsewhere.example.test' }), fromCdn);
    expect(problem).toContain('https://elsewhere.example.test');
    expect(problem).toContain(pageOrigin);
  });

  it('from another origin takes * as allowing the pages', () => {
    expect(servedProblem(asset, served({ allowOrigin: '*' }), fromCdn)).toBeNull();
  });

  it('on the pages’ own origin needs no Access-Control-Allow-Origin', () => {
    expect(servedProblem(asset, served({ allowOrigin: null }), sameOrigin)).toBeNull();
  });
});

describe('fetchServed', () => {
  const servers: Server[] = [];

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  async function serve(listener: RequestListener): Promise<string> {
    const server = createServer(listener);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  }

  /** A server answering every request with `body`, keeping each request's headers. */
  async function assetServer(seen: IncomingHttpHeaders[]): Promise<string> {
    return serve((request, response) => {
      seen.push(request.headers);
      if (request.url !== `/${asset.file}`) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      response
        .writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'access-control-allow-origin': pageOrigin,
        })
        .end(body);
    });
  }

  it('GETs the asset as a page on pageOrigin would, with its status, bytes and headers', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const base = await assetServer(seen);
    const result = await fetchServed(
      `${base}/${asset.file}`,
      pageOrigin,
      5_000,
      new AbortController().signal,
    );
    expect(result.status).toBe(200);
    expect(result.failure).toBeNull();
    expect(result.body?.equals(body)).toBe(true);
    expect(result.contentType).toBe('text/javascript; charset=utf-8');
    expect(result.allowOrigin).toBe(pageOrigin);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.origin).toBe(pageOrigin);
    expect(seen[0]?.['cache-control']).toBe('no-cache');
  });

  it('sends no Origin when the pages’ origin is not known', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const base = await assetServer(seen);
    const result = await fetchServed(`${base}/${asset.file}`, null, 5_000, new AbortController().signal);
    expect(result.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toHaveProperty('origin');
  });

  it('gives the status and no body for an answer other than 200', async () => {
    const base = await assetServer([]);
    const result = await fetchServed(`${base}/contact-form.js`, null, 5_000, new AbortController().signal);
    expect(result).toMatchObject({ status: 404, failure: null, body: null, contentType: 'text/plain' });
  });

  it('gives no status and the refusal when nothing listens', async () => {
    const base = await serve(() => undefined);
    const [server] = servers.splice(0);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const result = await fetchServed(`${base}/${asset.file}`, null, 5_000, new AbortController().signal);
    expect(result.status).toBeNull();
    expect(result.body).toBeNull();
    expect(result.failure).toContain('ECONNREFUSED');
  });

  it('gives up on a server that never answers after timeoutMs', async () => {
    const base = await serve(() => undefined);
    const started = performance.now();
    const result = await fetchServed(`${base}/${asset.file}`, null, 300, new AbortController().signal);
    const elapsed = performance.now() - started;
    expect(result.status).toBeNull();
    expect(result.body).toBeNull();
    expect(result.failure).toBe('no answer within 300 ms');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('stops when the caller’s signal is aborted', async () => {
    const base = await serve(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const result = await fetchServed(`${base}/${asset.file}`, null, 10_000, controller.signal);
    expect(result.status).toBeNull();
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
