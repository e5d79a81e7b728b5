import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { GateContext } from '../../gate.ts';
import { runTool } from '../support/run-tool.ts';
import { gateThresholds } from '../support/thresholds.ts';

export interface VersionBaseline {
  /** The version last deployed, or null when it cannot be determined. */
  version: string | null;
  /** Where it came from, or why it is unknown. */
  source: string;
}

export function currentVersion(cwd: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? semver.valid(pkg.version) : null;
  } catch {
    return null;
  }
}

/**
 * The version the database was last deployed with: `baselineVersion` when configured; else
 * package.json's version at `baselineRef`; else at the newest git tag (a release is tagged
 * when it is deployed).
 */
export async function baselineVersion(ctx: GateContext): Promise<VersionBaseline> {
  const settings = gateThresholds(ctx.config).db.schemaBreaking;
  if (settings.baselineVersion !== undefined) {
    const version = semver.valid(semver.coerce(settings.baselineVersion));
    return { version, source: 'gates.thresholds.db.schemaBreaking.baselineVersion' };
  }
  const git = (args: string[]) => runTool('git', args, { cwd: ctx.cwd, signal: ctx.signal });
  let ref = settings.baselineRef;
  try {
    if (ref === undefined) {
      const tag = await git(['describe', '--tags', '--abbrev=0']);
      if (tag.code !== 0) return { version: null, source: 'no baselineVersion configured and no git tag' };
      ref = tag.stdout.trim();
    }
    const shown = await git(['show', `${ref}:package.json`]);
    if (shown.code !== 0) return { version: null, source: `no package.json at git ref ${ref}` };
    const pkg = JSON.parse(shown.stdout) as { version?: unknown };
    const version = typeof pkg.version === 'string' ? semver.valid(pkg.version) : null;
    return { version, source: `package.json at git ref ${ref}` };
  } catch (error) {
    return {
      version: null,
      source: `git unavailable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
