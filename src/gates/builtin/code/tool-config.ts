import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { z } from 'zod';

/** Where a tool finds its configuration: files by name, or a key of package.json. */
export interface ConfigLookup {
  files: readonly string[];
  /** A package.json key that configures the tool (`prettier`, `eslintConfig`). */
  packageKey?: string;
}

export const eslintLookup: ConfigLookup = {
  files: [
    'eslint.config.js',
    'eslint.config.mjs',
    'eslint.config.cjs',
    'eslint.config.ts',
    'eslint.config.mts',
    'eslint.config.cts',
    // Legacy configs: a project's own ESLint 8 still reads them, so the gate lets ESLint decide.
    '.eslintrc',
    '.eslintrc.js',
    '.eslintrc.cjs',
    '.eslintrc.json',
    '.eslintrc.yaml',
    '.eslintrc.yml',
  ],
  packageKey: 'eslintConfig',
};

export const prettierLookup: ConfigLookup = {
  files: [
    '.prettierrc',
    '.prettierrc.json',
    '.prettierrc.json5',
    '.prettierrc.yaml',
    '.prettierrc.yml',
    '.prettierrc.toml',
    '.prettierrc.js',
    '.prettierrc.mjs',
    '.prettierrc.cjs',
    '.prettierrc.ts',
    '.prettierrc.mts',
    '.prettierrc.cts',
    'prettier.config.js',
    'prettier.config.mjs',
    'prettier.config.cjs',
    'prettier.config.ts',
    'prettier.config.mts',
    'prettier.config.cts',
  ],
  packageKey: 'prettier',
};

const packageJson = z.looseObject({
  dependencies: z.record(z.string(), z.unknown()).optional(),
  devDependencies: z.record(z.string(), z.unknown()).optional(),
});

/** package.json as an object, or undefined when it is missing or not JSON. */
function readPackageJson(path: string): Record<string, unknown> | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The tool's configuration as the tool itself would find it: in `cwd` or the nearest directory
 * above it (ESLint and Prettier both search upwards). Relative to `cwd`; undefined: none.
 */
export function findToolConfig(cwd: string, lookup: ConfigLookup): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const file = lookup.files.find((name) => existsSync(join(dir, name)));
    if (file) return relative(cwd, join(dir, file)) || file;
    const pkg = lookup.packageKey ? readPackageJson(join(dir, 'package.json')) : undefined;
    if (pkg && lookup.packageKey && lookup.packageKey in pkg)
      return `${relative(cwd, join(dir, 'package.json')) || 'package.json'} (${lookup.packageKey})`;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Whether the repository's package.json lists `name` among its dependencies or devDependencies. */
export function dependsOn(cwd: string, name: string): boolean {
  const parsed = packageJson.safeParse(readPackageJson(join(cwd, 'package.json')));
  if (!parsed.success) return false;
  return name in (parsed.data.dependencies ?? {}) || name in (parsed.data.devDependencies ?? {});
}

/** What the gate does about the tool's configuration: pass `--config`, let the tool find it, or skip. */
export type ConfigChoice =
  | { kind: 'explicit'; args: string[] }
  | { kind: 'found'; args: [] }
  | { kind: 'missing-file'; path: string }
  | { kind: 'none' };

/**
 * The configured file (`gates.thresholds.code.<gate>.config`) wins and must exist; else the
 * tool's own lookup; else `adopted` (e.g. Prettier in the dependencies, whose defaults are then
 * the project's style) still lets the tool run.
 */
export function chooseConfig(
  configured: string | null,
  exists: (path: string) => boolean,
  found: string | undefined,
  adopted: boolean,
): ConfigChoice {
  if (configured !== null)
    return exists(configured)
      ? { kind: 'explicit', args: ['--config', configured] }
      : { kind: 'missing-file', path: configured };
  return found !== undefined || adopted ? { kind: 'found', args: [] } : { kind: 'none' };
}
