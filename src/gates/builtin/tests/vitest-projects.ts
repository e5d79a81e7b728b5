import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { GateContext } from '../../gate.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { resolveTool } from '../support/resolve-tool.ts';
import { runTool } from '../support/run-tool.ts';
import { nestedVariable } from './vitest-run.ts';
import { errorMessage } from '../../../errors/error-message.ts';

const configNames = ['vitest', 'vite'].flatMap((base) =>
  ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((ext) => `${base}.config.${ext}`),
);

/**
 * Whether the repository tests with vitest: a vitest/vite config, or vitest among its
 * package.json dependencies. Hermes's own vitest would run anywhere, so its presence proves nothing.
 */
export function usesVitest(cwd: string): boolean {
  if (configNames.some((name) => existsSync(join(cwd, name)))) return true;
  try {
    const manifest = z
      .looseObject({
        dependencies: z.record(z.string(), z.unknown()).optional(),
        devDependencies: z.record(z.string(), z.unknown()).optional(),
      })
      .parse(JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')));
    return 'vitest' in { ...manifest.dependencies, ...manifest.devDependencies };
  } catch {
    return false;
  }
}

const listing = z.array(z.looseObject({ file: z.string(), projectName: z.string().default('') }));
/** Each test file vitest would run (absolute path) and the project it belongs to. */
export type VitestFiles = z.infer<typeof listing>;

async function listFiles(ctx: GateContext, args: readonly string[]): Promise<VitestFiles | string> {
  const vitest = resolveTool(ctx.cwd, 'vitest');
  if (!vitest) return 'no vitest executable in node_modules/.bin';
  const run = await runTool(vitest, ['list', '--filesOnly', '--json', ...args], {
    cwd: ctx.cwd,
    signal: ctx.signal,
    env: { ...process.env, ...ctx.env, [nestedVariable]: '1', CI: 'true' },
  });
  if (run.code !== 0)
    return `vitest list exited ${String(run.code)}: ${outputTail(run.stderr || run.stdout, 5)}`;
  try {
    return listing
      .parse(JSON.parse(run.stdout))
      .map((entry) => ({ ...entry, file: resolve(ctx.cwd, entry.file) }));
  } catch (error) {
    return `vitest list printed no file list: ${errorMessage(error)}`;
  }
}

/** `vitest list --filesOnly --json` (about a second), once per stage run. */
export function vitestFiles(ctx: GateContext): Promise<VitestFiles | string> {
  return ctx.shared('tests.vitest-list', () => listFiles(ctx, []));
}

export type ProjectFiles =
  | { kind: 'files'; files: string[] }
  | { kind: 'not-applicable'; reason: string }
  | { kind: 'error'; reason: string };

/**
 * The test files of one vitest project, or why the gate does not apply: no vitest, no project
 * of that name. A project that exists with no test file is files: [] (the gate fails, not skips).
 */
export async function projectFiles(ctx: GateContext, project: string): Promise<ProjectFiles> {
  if (!usesVitest(ctx.cwd))
    return { kind: 'not-applicable', reason: 'the repository has no vitest config and no vitest dependency' };
  const all = await vitestFiles(ctx);
  if (typeof all === 'string') return { kind: 'error', reason: all };
  const files = all.filter((entry) => entry.projectName === project).map((entry) => entry.file);
  if (files.length > 0) return { kind: 'files', files };
  // No file listed: an empty project, or none of that name (vitest refuses that filter).
  const filtered = await listFiles(ctx, ['--project', project]);
  if (typeof filtered !== 'string') return { kind: 'files', files: [] };
  const names = [...new Set(all.map((entry) => entry.projectName || '(unnamed)'))];
  return {
    kind: 'not-applicable',
    reason: `vitest has no project named "${project}" (projects: ${names.join(', ') || 'none'})`,
  };
}

/** The names of the vitest projects that have test files. */
export async function projectNames(ctx: GateContext): Promise<Set<string> | string> {
  const all = await vitestFiles(ctx);
  return typeof all === 'string' ? all : new Set(all.map((entry) => entry.projectName));
}
