import { join } from 'node:path';
import { z } from 'zod';
import { bundleFile } from '../../../../deploy/build/plan-build.ts';
import type { Release } from '../../../../deploy/target/target.ts';
import { errorMessage } from '../../../../errors/error-message.ts';
import type { AssetManifest } from '../../../../intake/asset-manifest.ts';
import { outputTail } from '../../../../text/output-tail.ts';
import { runTool } from '../../support/run-tool.ts';

const reference = z.strictObject({
  tag: z.enum(['script', 'link']),
  url: z.string(),
  integrity: z.string().nullable(),
  crossorigin: z.string().nullable(),
});

/** A file name and nothing else: no directory, no `..`, so nothing is read or written outside. */
const fileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected a plain file name');

/** What `hermes assets manifest --json` prints; parsed, since the bundle may be of another version. */
const manifestSchema = z.strictObject({
  version: z.string(),
  commit: z.string().nullable(),
  environment: z.string().nullable(),
  baseUrl: z.string(),
  assets: z.array(
    z.strictObject({
      name: fileName,
      file: fileName,
      url: z.string(),
      contentType: z.string(),
      bytes: z.number().int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      integrity: z.string(),
    }),
  ),
  pages: z.array(z.strictObject({ page: z.string(), references: z.array(reference) })),
}) satisfies z.ZodType<AssetManifest>;

export type BundleManifest = { manifest: AssetManifest } | { problem: string };

/**
 * Asks the release's own bundle for its manifest (`hermes assets manifest --json`), with the
 * release's config and environment: the pages it will render are the ones judged.
 */
export async function bundleManifest(
  release: Release,
  env: Readonly<NodeJS.ProcessEnv>,
  signal: AbortSignal,
): Promise<BundleManifest> {
  const config = release.configFile === null ? [] : ['--config', release.configFile];
  const args = [join(release.bundleDir, bundleFile), '--json', ...config, 'assets', 'manifest'];
  try {
    const run = await runTool(process.execPath, args, {
      cwd: release.sourceDir,
      env: { ...env, ...release.env },
      signal,
    });
    if (run.code !== 0)
      return {
        problem: `the bundle could not list its assets (exit ${String(run.code)}): ${outputTail(run.stderr || run.stdout, 5)}`,
      };
    const parsed = manifestSchema.safeParse(JSON.parse(run.stdout));
    if (!parsed.success) return { problem: `the bundle printed no asset manifest: ${parsed.error.message}` };
    return { manifest: parsed.data };
  } catch (error) {
    return { problem: `the bundle could not list its assets: ${errorMessage(error)}` };
  }
}
