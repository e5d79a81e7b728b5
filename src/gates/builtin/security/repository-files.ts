import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import type { GateContext } from '../../gate.ts';
import { runTool } from '../support/run-tool.ts';

const alwaysSkipped = new Set(['node_modules', '.git']);

function walk(root: string, dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (alwaysSkipped.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(root, path);
    return entry.isFile() ? [relative(root, path)] : [];
  });
}

/**
 * The repository's files, relative to it: the ones git tracks (what is committed is what leaks),
 * else every file outside node_modules and .git; without those matching `ignore`.
 */
export async function repositoryFiles(ctx: GateContext, ignore: readonly string[]): Promise<string[]> {
  const tracked = await runTool('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ctx.cwd,
    signal: ctx.signal,
  }).catch(() => undefined);
  const files =
    tracked?.code === 0 ? tracked.stdout.split('\0').filter((f) => f !== '') : walk(ctx.cwd, ctx.cwd);
  const ignored = picomatch([...ignore], { dot: true });
  return files.filter((file) => !ignored(file)).sort();
}
