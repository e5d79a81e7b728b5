import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

function newestIn(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    if (entry.name === 'node_modules') return newest;
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs;
    return Math.max(newest, mtime);
  }, 0);
}

/** Whether `file` exists and was written after every file under `dirs` (node_modules aside). */
export function isFresh(cwd: string, file: string, dirs: readonly string[]): boolean {
  const path = resolve(cwd, file);
  if (!existsSync(path)) return false;
  const newestSource = Math.max(0, ...dirs.map((d) => newestIn(resolve(cwd, d))));
  return statSync(path).mtimeMs > newestSource;
}
