import { execFile } from 'node:child_process';

/**
 * Whether `cwd`'s checkout has no change a commit does not hold (staged, unstaged or untracked and
 * not ignored); null outside git. A passing run recorded for a commit vouches for that commit only.
 */
export function gitClean(cwd: string): Promise<boolean | null> {
  return new Promise((resolve) => {
    execFile('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', timeout: 10_000 }, (error, stdout) =>
      resolve(error === null ? stdout.trim() === '' : null),
    );
  });
}
