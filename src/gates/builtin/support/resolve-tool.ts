import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hermesRoot } from '../../../runtime/hermes-files.ts';

/**
 * The executable of an npm tool (eslint, tsc, prettier, squawk, vitest): the judged repository's
 * own copy first (its version is the one its config was written for), else the one Hermes ships with.
 */
export function resolveTool(cwd: string, name: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, 'node_modules', '.bin', name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const own = join(hermesRoot, 'node_modules', '.bin', name);
  return existsSync(own) ? own : undefined;
}
