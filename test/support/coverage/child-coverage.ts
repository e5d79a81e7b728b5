import type { Profiler } from 'node:inspector';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What child-preload.mjs writes for each process: its scripts of src/, each code stored by hash. */
export interface ChildCoverageFile {
  result: { url: string; source: string; functions: Profiler.FunctionCoverage[] }[];
}

// Not HERMES_*: the tests' cleanEnv() keeps a developer's Hermes settings out of the children, not this.
const dirVar = 'V8_CHILD_COVERAGE_DIR';
const srcVar = 'V8_CHILD_COVERAGE_SRC';

/** Where children write (set by the provider in vitest's main process; the workers inherit it). */
export function childCoverageEnv(dir: string, srcUrl: string): Record<string, string> {
  return { [dirVar]: dir, [srcVar]: `${srcUrl.replace(/\/$/, '')}/` };
}

const preload = pathToFileURL(fileURLToPath(new URL('./child-preload.mjs', import.meta.url))).href;

/**
 * In a worker: every Node process it starts from now on loads the preload. Set here, not in the
 * main process, so the workers themselves (whose coverage vitest takes) do not.
 */
export function recordChildCoverage(env: NodeJS.ProcessEnv): void {
  if (!env[dirVar] || env.NODE_OPTIONS?.includes(preload)) return;
  env.NODE_OPTIONS = [env.NODE_OPTIONS, `--import=${preload}`].filter(Boolean).join(' ');
}
