import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { GateContext } from '../../gate.ts';
import { runTool } from '../support/run-tool.ts';
import { gateThresholds } from '../support/thresholds.ts';
import { errorMessage } from '../../../errors/error-message.ts';

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

export interface GitBaselineRef {
  ref: string;
  /** How the ref was chosen, for the report. */
  source: string;
}

/**
 * The git ref of the release being replaced: `baselineRef` when configured, else the newest tag
 * (a release is tagged when it is deployed); null when neither exists or git cannot tell.
 */
export async function gitBaselineRef(ctx: GateContext): Promise<GitBaselineRef | null> {
  const configured = gateThresholds(ctx.config).db.schemaBreaking.baselineRef;
  if (configured !== undefined) return { ref: configured, source: `git ref ${configured}` };
  try {
    const tag = await runTool('git', ['describe', '--tags', '--abbrev=0'], {
      cwd: ctx.cwd,
      signal: ctx.signal,
    });
    const ref = tag.stdout.trim();
    return tag.code === 0 && ref !== '' ? { ref, source: `the newest git tag ${ref}` } : null;
  } catch {
    return null;
  }
}

/**
 * The version the database was last deployed with: `baselineVersion` when configured; else
 * package.json's version at `baselineRef`; else at the newest git tag.
 */
export async function baselineVersion(ctx: GateContext): Promise<VersionBaseline> {
  const settings = gateThresholds(ctx.config).db.schemaBreaking;
  if (settings.baselineVersion !== undefined) {
    const version = semver.valid(semver.coerce(settings.baselineVersion));
    return { version, source: 'gates.thresholds.db.schemaBreaking.baselineVersion' };
  }
  try {
    const baseline = await gitBaselineRef(ctx);
    if (baseline === null)
      return {
        version: null,
        source: 'no git tag, and gates.thresholds.db.schemaBreaking.baselineVersion not set',
      };
    const { ref } = baseline;
    const shown = await runTool('git', ['show', `${ref}:package.json`], { cwd: ctx.cwd, signal: ctx.signal });
    if (shown.code !== 0) return { version: null, source: `no package.json at git ref ${ref}` };
    let pkg: { version?: unknown };
    try {
      pkg = JSON.parse(shown.stdout) as { version?: unknown };
    } catch {
      return { version: null, source: `package.json at git ref ${ref} is not JSON` };
    }
    const version = typeof pkg.version === 'string' ? semver.valid(pkg.version) : null;
    return { version, source: `package.json at git ref ${ref}` };
  } catch (error) {
    return {
      version: null,
      source: `git unavailable: ${errorMessage(error)}`,
    };
  }
}
