import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFile, manifestFile } from '../../../deploy/build/plan-build.ts';
import type { Release, Target } from '../../../deploy/target/target.ts';
import type { AssetManifest } from '../../../intake/asset-manifest.ts';
import { errorMessage } from '../../../errors/error-message.ts';
import { sizeText } from '../../../text/size-text.ts';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { errorOutcome, listSome, measure, plural, thrownOutcome } from '../support/outcome.ts';
import { assetHistoryDir, earlierAssets, rememberManifest } from './assets/asset-history.ts';
import { bundleManifest } from './assets/bundle-manifest.ts';
import { manifestProblems } from './assets/judge-manifest.ts';
import { fetchServed, servedProblem } from './assets/served-asset.ts';
import { assetsDestination, uploadAssets, writeBuildManifest, type Upload } from './assets/upload-assets.ts';
import type { PipelineHooks } from './pipeline-hooks.ts';

const fetchTimeoutMs = 10_000;

type Evidence = NonNullable<GateOutcome['evidence']>;

function failed(
  summary: string,
  problems: readonly string[],
  before: { measurements?: GateOutcome['measurements']; evidence?: Evidence } = {},
): GateOutcome {
  return {
    status: 'fail',
    summary: `${summary}: ${listSome(problems, 2, '; ')}`,
    ...(before.measurements ? { measurements: before.measurements } : {}),
    evidence: [...(before.evidence ?? []), { kind: 'text', title: 'problems', content: problems.join('\n') }],
  };
}

/** Each manifest asset's bytes in the build (`assets/<name>`), null when the file is missing. */
function builtAssets(bundleDir: string, manifest: AssetManifest): Map<string, Buffer | null> {
  const built = new Map<string, Buffer | null>();
  for (const asset of manifest.assets) {
    const path = join(bundleDir, 'assets', asset.name);
    built.set(asset.name, existsSync(path) ? readFileSync(path) : null);
  }
  return built;
}

/** The sha256 of every file the build wrote, by path, from its release.json; or why it cannot be read. */
function recordedFiles(bundleDir: string): Map<string, string> | string {
  if (!existsSync(join(bundleDir, bundleFile))) return `no ${bundleFile}`;
  const path = join(bundleDir, manifestFile);
  if (!existsSync(path)) return `no ${manifestFile}`;
  let files: unknown;
  try {
    ({ files } = JSON.parse(readFileSync(path, 'utf8')) as { files?: unknown });
  } catch (error) {
    return `${manifestFile} cannot be read (${errorMessage(error)})`;
  }
  const recorded = new Map<string, string>();
  if (!Array.isArray(files)) return `${manifestFile} lists no files`;
  for (const file of files as unknown[]) {
    const { path: filePath, sha256 } = (file ?? {}) as { path?: unknown; sha256?: unknown };
    if (typeof filePath === 'string' && typeof sha256 === 'string') recorded.set(filePath, sha256);
  }
  return recorded;
}

/**
 * Why the build is not of the release's commit (a build left from before a pull), or null. Only a
 * version with its commit (`0.1.0+abc1234`) and a build that knows its own can be compared.
 */
function staleBuild(release: Release, builtCommit: string | null): string | null {
  const commit = /\+([0-9a-f]{7,40})$/.exec(release.version)?.[1];
  if (commit === undefined || builtCommit === null || builtCommit.startsWith(commit)) return null;
  return `the build is of commit ${builtCommit.slice(0, 7)}, the release ${release.version} of ${commit}: build it again (npm run build:production)`;
}

/** The target, or why there is none here (the local one on the embedded database): an upload destination needs none. */
async function openedTarget(
  hooks: PipelineHooks,
  ctx: GateContext,
): Promise<{ target: Target | null; why: string | null }> {
  try {
    return { target: await hooks.target(ctx), why: null };
  } catch (error) {
    return { target: null, why: errorMessage(error) };
  }
}

/**
 * Where the pages load the assets from, as a URL to fetch: the manifest's base when it is one (a
 * CDN), else where the target serves them, else the target's public URL and the manifest's path.
 */
function fetchBase(manifest: AssetManifest, servedFrom: string | null, target: Target | null): string | null {
  if (URL.canParse(manifest.baseUrl)) return manifest.baseUrl.replace(/\/+$/, '');
  if (servedFrom !== null) return servedFrom.replace(/\/+$/, '');
  return target === null ? null : `${target.publicUrl.replace(/\/+$/, '')}${manifest.baseUrl}`;
}

/** Every asset fetched back from where the pages load it; the problems, or none. */
async function fetchBack(
  manifest: AssetManifest,
  base: string,
  context: { crossOrigin: boolean; pageOrigin: string | null; historyDir: string },
  signal: AbortSignal,
): Promise<string[]> {
  const earlier = earlierAssets(context.historyDir, manifest.version);
  const problems: string[] = [];
  for (const asset of manifest.assets) {
    const url = `${base}/${asset.file}`;
    const served = await fetchServed(url, context.pageOrigin, fetchTimeoutMs, signal);
    const problem = servedProblem({ ...asset, url }, served, { ...context, earlier });
    if (problem !== null) problems.push(problem);
  }
  return problems;
}

async function validate(ctx: GateContext, hooks: PipelineHooks, release: Release): Promise<GateOutcome> {
  const recorded = recordedFiles(release.bundleDir);
  if (typeof recorded === 'string')
    return errorOutcome(
      'no production build to validate',
      `${release.bundleDir}: ${recorded} (npm run build:production first)`,
    );
  ctx.log('asking the bundle for its asset manifest');
  const listed = await bundleManifest(release, ctx.env, ctx.signal);
  if ('problem' in listed) return { status: 'fail', summary: listed.problem };
  const stale = staleBuild(release, listed.manifest.commit);
  if (stale !== null) return { status: 'fail', summary: stale };
  // The release's version (package version and commit), as the ledger names it.
  const manifest: AssetManifest = { ...listed.manifest, version: release.version };
  const built = builtAssets(release.bundleDir, manifest);
  const problems = manifestProblems(manifest, built, recorded);
  if (problems.length > 0) return failed(`the build's assets are not what its pages load`, problems);
  const manifestPath = writeBuildManifest(release.bundleDir, manifest);
  const bytes = manifest.assets.reduce((sum, asset) => sum + asset.bytes, 0);
  const counted = `${plural(manifest.assets.length, 'asset')} (${sizeText(bytes)})`;
  const measurements = [
    measure('assets', manifest.assets.length, 'files'),
    measure('asset bytes', bytes, 'bytes'),
  ];
  const evidence: Evidence = [
    {
      kind: 'text',
      title: 'manifest',
      content: `${manifestPath}\n${manifest.assets.map((a) => `${a.file}  ${a.integrity}`).join('\n')}`,
    },
  ];

  const { target, why } = await openedTarget(hooks, ctx);
  const destination = assetsDestination(ctx.config, ctx.cwd, target);
  // Loaded from a CDN that Hermes does not upload to: still fetched back, since the pages load them there.
  if (destination.kind === 'release' && !URL.canParse(manifest.baseUrl)) {
    const because =
      target === null ? `no target here: ${why ?? 'none'}` : `the ${target.name} target serves no files`;
    return {
      status: 'pass',
      summary: `${counted} of ${release.version} match the manifest and every page loads them by versioned name with integrity; no upload (assets.upload unset and ${because}): each release serves its own at ${manifest.baseUrl}`,
      measurements,
      evidence,
    };
  }
  let upload: Upload | null = null;
  if (destination.kind !== 'release') {
    ctx.log(`uploading ${counted}`);
    const files = manifest.assets.map((asset) => ({
      file: asset.file,
      body: built.get(asset.name) ?? Buffer.alloc(0),
    }));
    try {
      upload = await uploadAssets(destination, files, manifest, {
        cwd: ctx.cwd,
        env: ctx.env,
        signal: ctx.signal,
        target,
      });
    } catch (error) {
      return { status: 'fail', summary: `the assets were not uploaded: ${errorMessage(error)}`, evidence };
    }
    evidence.push({ kind: 'text', title: `upload to ${upload.where}`, content: upload.detail });
  }
  const base = fetchBase(manifest, upload?.servedFrom ?? null, target);
  if (base === null)
    return errorOutcome(
      'uploaded, but not fetched back',
      `the pages load the assets from ${manifest.baseUrl}, a path of no known origin (set assets.publicBaseUrl)`,
    );
  ctx.log(`fetching them back from ${base}`);
  const historyDir = assetHistoryDir(ctx.cwd, ctx.config);
  const started = performance.now();
  const served = await fetchBack(
    manifest,
    base,
    {
      crossOrigin: URL.canParse(manifest.baseUrl),
      pageOrigin: target === null ? null : new URL(target.publicUrl).origin,
      historyDir,
    },
    ctx.signal,
  );
  measurements.push(measure('fetch back', Math.round(performance.now() - started), 'ms'));
  if (served.length > 0)
    return failed(`${plural(served.length, 'asset')} not served as built from ${base}`, served, {
      measurements,
      evidence,
    });
  rememberManifest(historyDir, manifest);
  return {
    status: 'pass',
    summary: `${counted} of ${release.version} ${upload === null ? 'not uploaded by Hermes (assets.upload unset)' : `uploaded to ${upload.where}`} and fetched back from ${base}: sha256, SRI and type match the manifest, and every page loads them by versioned name with integrity`,
    measurements,
    evidence,
  };
}

/** §2.1.2 `npm run assets:validate`: the release's assets checked, uploaded and fetched back. */
export function assetsValidateGate(hooks: PipelineHooks): Gate {
  return {
    id: 'assets.validate',
    stage: 'deploy',
    title: 'Asset validation',
    description:
      "`npm run assets:validate`: asks the production bundle for its asset manifest (`hermes assets manifest --json`: every asset its pages serve, with sha256, SRI integrity and versioned URL, and every reference its pages make), checks it against the build (of the release's commit; its files the ones release.json recorded, names versioned by content) and the pages (each asset loaded by its versioned URL with its integrity, and `crossorigin` from another origin), and writes it beside the build as assets-manifest.json with the release's version. Then uploads the versioned files to `assets.upload.dir` or through `assets.upload.command`, or else into the local target's directory that its nginx serves at /assets/ (never deleting an earlier release's), and fetches every one back over HTTP from `assets.publicBaseUrl` (also when the team uploads by other means) or else the target's /assets: a missing, stale (an earlier release's content), altered or wrongly typed asset fails, named, as does one a page on another origin may not load.",
    spec: '§2.1.2',
    timeoutMs: 300_000,
    async run(ctx): Promise<GateOutcome> {
      let release;
      try {
        release = await hooks.release(ctx);
      } catch (error) {
        return thrownOutcome('no release to validate', error);
      }
      return validate(ctx, hooks, release);
    },
  };
}
