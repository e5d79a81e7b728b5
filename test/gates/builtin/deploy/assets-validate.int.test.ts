import { createServer, type Server } from 'node:http';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { configSchema } from '../../../../src/config/schema.ts';
import { buildThresholds } from '../../../../src/config/sections/build-thresholds.ts';
import { planBuild } from '../../../../src/deploy/build/plan-build.ts';
import type { Release, Target } from '../../../../src/deploy/target/target.ts';
import { assetsValidateGate } from '../../../../src/gates/builtin/deploy/assets-validate.ts';
import { assetHistoryDir } from '../../../../src/gates/builtin/deploy/assets/asset-history.ts';
import type { PipelineHooks } from '../../../../src/gates/builtin/deploy/pipeline-hooks.ts';
import { runBuild } from '../../../../src/deploy/build/run-build.ts';
import type { AssetManifest } from '../../../../src/intake/asset-manifest.ts';
import { sha256Hex } from '../../../../src/text/sha256-hex.ts';
import { afterThisTest } from '../../../support/after-this-test.ts';
import { gateContext, repoRoot } from '../support/gate-context.ts';
import { recordingHooks } from './support/recording-step-hooks.ts';

// assets.validate (§2.1.2) on a real production build of this repository: the bundle lists its own
// assets, the gate checks them, uploads them (a directory, a shell command) and fetches each back
// over HTTP from a real server standing in for the CDN, which serves them as told.

let scratch = '';
let bundleDir = '';

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'hermes-assets-validate-'));
  // The bundle keeps its dependencies external: they resolve from node_modules above it.
  symlinkSync(join(repoRoot, 'node_modules'), join(scratch, 'node_modules'), 'dir');
  bundleDir = join(scratch, 'build');
  const settings = { ...buildThresholds.parse(undefined).production, outDir: bundleDir };
  const report = await runBuild(
    planBuild(repoRoot, 'production', settings, { version: '3.1.0', commit: null }),
  );
  expect(report.errors).toEqual([]);
}, 120_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

interface Cdn {
  baseUrl: string;
  dir: string;
  /** Requests it answered, with the Origin each sent. */
  origins: (string | undefined)[];
}

interface CdnBehaviour {
  /** Content-Type of every answer (default: by extension, as a CDN would). */
  type?: string;
  cors?: boolean;
}

const typeOf = (file: string) =>
  extname(file) === '.js' ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8';

/** A real HTTP server serving `dir` under /hermes/, standing in for the CDN the pages load from. */
async function cdn(behaviour: CdnBehaviour = {}): Promise<Cdn> {
  const dir = mkdtempSync(join(scratch, 'cdn-'));
  const origins: (string | undefined)[] = [];
  const server: Server = createServer((request, response) => {
    origins.push(request.headers.origin);
    const name = (request.url ?? '').replace(/^\/hermes\//, '');
    const path = join(dir, name);
    if (name.includes('/') || !existsSync(path)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': behaviour.type ?? typeOf(name),
      ...(behaviour.cors === false ? {} : { 'access-control-allow-origin': '*' }),
    });
    response.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterThisTest(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { baseUrl: `http://127.0.0.1:${String(port)}/hermes`, dir, origins };
}

interface Run {
  cwd: string;
  hooks: PipelineHooks;
}

/**
 * A source directory with hermes.yaml set to `assets`, whose release is the shared build: the
 * bundle and the gate read the same settings, as they do from one hermes.yaml.
 */
function source(
  assets: Record<string, unknown>,
  target: Target | Error = new Error('no target here'),
): Run & { release: Release; config: Record<string, unknown> } {
  const cwd = mkdtempSync(join(scratch, 'source-'));
  const config = { assets };
  const configFile = join(cwd, 'hermes.yaml');
  writeFileSync(configFile, stringify(config));
  const release: Release = {
    deploymentId: null,
    version: '3.1.0+abc1234',
    bundleDir,
    sourceDir: cwd,
    configFile,
    env: {},
  };
  const hooks: PipelineHooks = {
    ...recordingHooks(),
    deployment: () => Promise.resolve(null),
    target: () => (target instanceof Error ? Promise.reject(target) : Promise.resolve(target)),
    release: () => Promise.resolve(release),
    prepared: () => undefined,
    activated: () => undefined,
  };
  return { cwd, hooks, release, config };
}

/** A target serving no files itself (like the command target), whose pages are on `publicUrl`. */
function shopTarget(publicUrl = 'https://shop.example.test'): Target {
  const refuse = () => Promise.reject(new Error('assets.validate only asks where the target serves files'));
  return {
    name: 'command',
    publicUrl,
    plan: () => Promise.resolve([]),
    prepare: refuse,
    activate: refuse,
    discard: refuse,
    current: refuse,
    previous: refuse,
    rollback: refuse,
  };
}

async function validate(run: ReturnType<typeof source>) {
  const ctx = gateContext({ config: run.config, cwd: run.cwd });
  return { outcome: await assetsValidateGate(run.hooks).run(ctx), logs: ctx.logs };
}

const builtAsset = (name: string) => readFileSync(join(bundleDir, 'assets', name));

function manifestOf(dir: string): AssetManifest {
  return JSON.parse(readFileSync(join(dir, 'assets-manifest.json'), 'utf8')) as AssetManifest;
}

describe('assets.validate', () => {
  it('uploads the versioned files to assets.upload.dir, fetches each back from the CDN, and writes the manifest', async () => {
    const served = await cdn();
    const run = source({ publicBaseUrl: served.baseUrl, upload: { dir: served.dir } });
    const { outcome, logs } = await validate(run);

    expect(outcome.status).toBe('pass');
    const summary = outcome.summary;
    expect(summary.startsWith('2 assets (')).toBe(true);
    expect(summary).toMatch(/^2 assets \([\d.]+ KB\) of 3\.1\.0\+abc1234 uploaded to /);
    expect(summary).toContain(` uploaded to ${served.dir} and fetched back from ${served.baseUrl}: `);
    // The manifest beside the build, with the release's version, each asset hashed as built.
    const manifest = manifestOf(bundleDir);
    expect(manifest.version).toBe('3.1.0+abc1234');
    expect(manifest.environment).toBe('production');
    expect(manifest.baseUrl).toBe(served.baseUrl);
    expect(manifest.assets.map((a) => a.name).sort()).toEqual(['contact-form.css', 'contact-form.js']);
    for (const asset of manifest.assets) {
      const body = builtAsset(asset.name);
      expect(asset.sha256).toBe(sha256Hex(body));
      expect(asset.file).toBe(asset.name.replace(/\.(js|css)$/, `.${asset.sha256.slice(0, 12)}.$1`));
      expect(asset.url).toBe(`${served.baseUrl}/${asset.file}`);
      // Uploaded under the versioned name only, byte for byte.
      expect(readFileSync(join(served.dir, asset.file))).toEqual(body);
    }
    expect(readdirSync(served.dir).sort()).toEqual(manifest.assets.map((a) => a.file).sort());
    // The form page loads both from the CDN with their integrity.
    const form = manifest.pages.find((p) => p.page === 'GET /');
    expect(form?.references.map((r) => r.url).sort()).toEqual(manifest.assets.map((a) => a.url).sort());
    // Remembered, so that a later release can tell this one's content.
    expect(
      existsSync(join(assetHistoryDir(run.cwd, configSchema.parse(run.config)), '3.1.0_abc1234.json')),
    ).toBe(true);
    expect(logs).toEqual([
      'asking the bundle for its asset manifest',
      expect.stringMatching(/^uploading 2 assets/),
      `fetching them back from ${served.baseUrl}`,
    ]);
  });

  it('leaves what an earlier release uploaded, and keeps an identical file as it was', async () => {
    const served = await cdn();
    writeFileSync(join(served.dir, 'contact-form.0123456789ab.js'), 'an earlier release');
    const run = source({ publicBaseUrl: served.baseUrl, upload: { dir: served.dir } });
    expect((await validate(run)).outcome.status).toBe('pass');
    const again = await validate(run);
    expect(again.outcome.status).toBe('pass');
    const upload = again.outcome.evidence?.find((e) => e.title.startsWith('upload to'))?.content;
    expect(typeof upload === 'string' ? upload : null).toMatch(
      /^written: none\nalready there: contact-form\.\w+\.css, contact-form\.\w+\.js$/,
    );
    expect(readFileSync(join(served.dir, 'contact-form.0123456789ab.js'), 'utf8')).toBe('an earlier release');
  });

  it('runs assets.upload.command with the staged files, the manifest and the version in its environment', async () => {
    const served = await cdn();
    const seen = join(scratch, `seen-${String(Date.now())}`);
    const run = source(
      {
        publicBaseUrl: served.baseUrl,
        upload: {
          command: `cp "$HERMES_ASSETS_DIR"/contact-form.* "${served.dir}/" && printf '%s\\n' "$HERMES_RELEASE_VERSION" "$HERMES_ASSETS_BASE_URL" > "${seen}" && cp "$HERMES_ASSETS_MANIFEST" "${seen}.json" && ls -A "$HERMES_ASSETS_DIR" > "${seen}.ls"`,
        },
      },
      shopTarget(),
    );
    const { outcome } = await validate(run);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain('uploaded to assets.upload.command and fetched back from');
    expect(readFileSync(seen, 'utf8')).toBe(`3.1.0+abc1234\n${served.baseUrl}\n`);
    expect(JSON.parse(readFileSync(`${seen}.json`, 'utf8'))).toEqual(manifestOf(bundleDir));
    // Only the versioned files in the directory a sync publishes; the manifest beside it.
    expect(readFileSync(`${seen}.ls`, 'utf8').split('\n').filter(Boolean).sort()).toEqual(
      manifestOf(bundleDir)
        .assets.map((a) => a.file)
        .sort(),
    );
    // Fetched as a page of the target's origin would load them: CORS asked for that origin.
    expect(served.origins).toEqual(['https://shop.example.test', 'https://shop.example.test']);
  });

  it('fails when the upload command fails, with its exit status and last words', async () => {
    const served = await cdn();
    const run = source({
      publicBaseUrl: served.baseUrl,
      upload: { command: 'echo "uploading"; echo "bucket hermes-assets not found" >&2; exit 3' },
    });
    const { outcome } = await validate(run);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'the assets were not uploaded: assets.upload.command failed (exit 3): bucket hermes-assets not found',
    );
  });

  it('fails naming each asset the CDN does not have (an upload that uploaded nothing)', async () => {
    const served = await cdn();
    const run = source({ publicBaseUrl: served.baseUrl, upload: { command: 'true' } });
    const { outcome } = await validate(run);
    expect(outcome.status).toBe('fail');
    const manifest = manifestOf(bundleDir);
    const problems = outcome.evidence?.find((e) => e.title === 'problems')?.content;
    expect(typeof problems === 'string' ? problems.split('\n').sort() : problems).toEqual(
      manifest.assets.map((a) => `${a.file}: missing (${served.baseUrl}/${a.file} answered 404)`).sort(),
    );
    expect(outcome.summary).toMatch(/^2 assets not served as built from http:\/\/127\.0\.0\.1:\d+\/hermes: /);
  });

  it('fails naming an asset the CDN serves with other bytes (altered)', async () => {
    const served = await cdn();
    const run = source({
      publicBaseUrl: served.baseUrl,
      upload: {
        command: `cp "$HERMES_ASSETS_DIR"/contact-form.* "${served.dir}/" && for f in "${served.dir}"/*.js; do echo 'alert(1)' > "$f"; done`,
      },
    });
    const { outcome } = await validate(run);
    expect(outcome.status).toBe('fail');
    const js = manifestOf(bundleDir).assets.find((a) => a.name === 'contact-form.js');
    expect(outcome.summary).toContain(
      `${js?.file ?? '?'}: altered (served sha256 ${sha256Hex('alert(1)\n')}, 9 bytes; the release's is ${js?.sha256 ?? '?'}`,
    );
    expect(outcome.summary).not.toContain('contact-form.css');
  });

  it('fails naming an asset served with an earlier release’s content (stale)', async () => {
    const served = await cdn();
    const run = source({
      publicBaseUrl: served.baseUrl,
      upload: {
        command: `cp "$HERMES_ASSETS_DIR"/contact-form.* "${served.dir}/" && for f in "${served.dir}"/*.css; do echo 'body{}' > "$f"; done`,
      },
    });
    // What the release validated before this one (from this directory) had as its stylesheet.
    mkdirSync(assetHistoryDir(run.cwd, configSchema.parse(run.config)), { recursive: true });
    writeFileSync(
      join(assetHistoryDir(run.cwd, configSchema.parse(run.config)), '3.0.0.json'),
      JSON.stringify({
        version: '3.0.0',
        assets: [{ name: 'contact-form.css', sha256: sha256Hex('body{}\n') }],
      }),
    );
    const { outcome } = await validate(run);
    expect(outcome.status).toBe('fail');
    const css = manifestOf(bundleDir).assets.find((a) => a.name === 'contact-form.css');
    expect(outcome.summary).toContain(
      `${css?.file ?? '?'}: stale (serves the content of release 3.0.0, not this one's)`,
    );
  });

  it('fails when the CDN serves the assets as another type, or without CORS for the pages’ origin', async () => {
    const plain = await cdn({ type: 'text/plain' });
    const wrongType = await validate(source({ publicBaseUrl: plain.baseUrl, upload: { dir: plain.dir } }));
    expect(wrongType.outcome.status).toBe('fail');
    expect(wrongType.outcome.summary).toMatch(
      /contact-form\.\w+\.css: served as text\/plain, expected text\/css/,
    );

    const closed = await cdn({ cors: false });
    const noCors = await validate(source({ publicBaseUrl: closed.baseUrl, upload: { dir: closed.dir } }));
    expect(noCors.outcome.status).toBe('fail');
    expect(noCors.outcome.summary).toMatch(
      /contact-form\.\w+\.(css|js): no Access-Control-Allow-Origin: a page on another origin cannot check its integrity/,
    );
  });

  it('fails naming an asset file changed after the build, before anything is uploaded', async () => {
    const copy = mkdtempSync(join(scratch, 'changed-'));
    rmSync(copy, { recursive: true });
    // A copy of the build with its stylesheet edited afterwards.
    cpSync(bundleDir, copy, { recursive: true });
    writeFileSync(join(copy, 'assets', 'contact-form.css'), 'main{color:red}\n');
    const served = await cdn();
    const run = source({ publicBaseUrl: served.baseUrl, upload: { dir: served.dir } });
    run.release.bundleDir = copy;
    const { outcome } = await validate(run);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^the build's assets are not what its pages load: contact-form\.css: changed since the build \(release\.json has sha256 [0-9a-f]{64}, the file [0-9a-f]{64}\)$/,
    );
    expect(readdirSync(served.dir)).toEqual([]);
  });

  it('is an error without a production build, naming the command that makes one', async () => {
    const run = source({});
    run.release.bundleDir = join(scratch, 'never-built');
    const { outcome } = await validate(run);
    expect(outcome).toEqual({
      status: 'error',
      summary: 'no production build to validate',
      reason: `${join(scratch, 'never-built')}: no hermes.mjs (npm run build:production first)`,
    });
    // A build whose release.json is broken says so, not that there is none.
    const broken = join(scratch, `broken-${String(Date.now())}`);
    cpSync(bundleDir, broken, { recursive: true });
    writeFileSync(join(broken, 'release.json'), '{ not json');
    run.release.bundleDir = broken;
    expect((await validate(run)).outcome).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(
        /: release\.json cannot be read \(.*\) \(npm run build:production first\)$/,
      ) as unknown,
    });
  });

  it('with a CDN but no upload (the team publishes), still fetches each asset back from it', async () => {
    const served = await cdn();
    const run = source({ publicBaseUrl: served.baseUrl }, shopTarget());
    const missing = await validate(run);
    expect(missing.outcome.status).toBe('fail');
    expect(missing.outcome.summary).toMatch(
      /^2 assets not served as built from http:\/\/127\.0\.0\.1:\d+\/hermes: contact-form\.\w+\.(css|js): missing/,
    );
    for (const asset of manifestOf(bundleDir).assets)
      writeFileSync(join(served.dir, asset.file), builtAsset(asset.name));
    const { outcome } = await validate(run);
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toContain(
      `of 3.1.0+abc1234 not uploaded by Hermes (assets.upload unset) and fetched back from ${served.baseUrl}:`,
    );
  });

  it('fails a build of another commit than the release’s (a build left from before a pull)', async () => {
    const copy = join(scratch, `other-commit-${String(Date.now())}`);
    const settings = { ...buildThresholds.parse(undefined).production, outDir: copy };
    const report = await runBuild(
      planBuild(repoRoot, 'production', settings, {
        version: '3.1.0',
        commit: 'fedcba9876543210fedcba9876543210fedcba98',
      }),
    );
    expect(report.errors).toEqual([]);
    const run = source({});
    run.release.bundleDir = copy;
    const { outcome } = await validate(run);
    expect(outcome).toEqual({
      status: 'fail',
      summary:
        'the build is of commit fedcba9, the release 3.1.0+abc1234 of abc1234: build it again (npm run build:production)',
    });
  });

  it('with no upload and a target that serves no files, checks the build and leaves serving to each release', async () => {
    const target = shopTarget();
    const { outcome } = await validate(source({}, target));
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toMatch(
      /^2 assets \([\d.]+ KB\) of 3\.1\.0\+abc1234 match the manifest and every page loads them by versioned name with integrity; no upload \(assets\.upload unset and the command target serves no files\): each release serves its own at \/assets$/,
    );
    expect(manifestOf(bundleDir).baseUrl).toBe('/assets');
  });
});
