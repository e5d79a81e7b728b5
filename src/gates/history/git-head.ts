import { execFile } from 'node:child_process';

/**
 * The full commit hash checked out in `cwd`, or null outside git (or before the first commit).
 * The full hash, not release-of's `--short` one: an abbreviation grows as the repository does, and
 * gate history and the deployments ledger compare commits for equality across time.
 */
export function gitHead(cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'],
      { cwd, encoding: 'utf8', timeout: 10_000 },
      (error, stdout) => {
        const commit = stdout.trim();
        resolve(error === null && /^[0-9a-f]{40,64}$/.test(commit) ? commit : null);
      },
    );
  });
}
