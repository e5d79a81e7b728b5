import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `0.1.0+99928ab`; either part alone when the other is unknown; null when both are. */
export function formatRelease(version: string | null, commit: string | null): string | null {
  if (version !== null && commit !== null) return `${version}+${commit}`;
  return version ?? commit;
}

export function packageVersion(cwd: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' && pkg.version !== '' ? pkg.version : null;
  } catch {
    return null;
  }
}

function gitCommit(cwd: string): string | null {
  try {
    const out = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return out.trim() || null;
  } catch {
    return null;
  }
}

/**
 * The release of the source in `cwd`: package.json's version and the git commit. The migrator
 * records it on each migration it applies, and db.schema.breaking computes it the same way to
 * tell this release's migrations from those of the release it replaces.
 */
export function releaseOf(cwd: string): string | null {
  return formatRelease(packageVersion(cwd), gitCommit(cwd));
}
