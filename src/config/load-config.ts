import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from './config-error.ts';
import { coerceEnvValue, envBindings } from './env-mapping.ts';
import { formatIssue } from './format-issue.ts';
import { configSchema, type HermesConfig } from './schema.ts';

export interface LoadConfigOptions {
  /** `--config`; else `HERMES_CONFIG`; else `./hermes.yaml` when it exists. */
  path?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LoadedConfig {
  readonly config: Readonly<HermesConfig>;
  /** Where each leaf value came from: `default`, `file`, or `env NAME`. */
  readonly sources: ReadonlyMap<string, string>;
  readonly file: string | null;
  readonly warnings: readonly string[];
}

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function readFileConfig(path: string | null): Tree {
  if (path === null) return {};
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`cannot read ${path}`, [detail ?? 'unreadable']);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isTree(parsed)) throw new ConfigError(`${path}: expected a mapping at the top level`);
  return parsed;
}

function resolveConfigPath(options: LoadConfigOptions, env: NodeJS.ProcessEnv, cwd: string): string | null {
  const explicit = options.path ?? env.HERMES_CONFIG;
  if (explicit) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new ConfigError(`config file not found: ${path}`);
    return path;
  }
  const fallback = resolve(cwd, 'hermes.yaml');
  return existsSync(fallback) ? fallback : null;
}

function setPath(tree: Tree, path: readonly string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    node[key] = isTree(child) ? { ...child } : {};
    node = node[key] as Tree;
  }
  node[path.at(-1) ?? ''] = value;
}

function hasPath(tree: Tree, path: readonly string[]): boolean {
  let node: unknown = tree;
  for (const key of path) {
    if (!isTree(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!isTree(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Reads `hermes.yaml` and the environment, validates them once, and returns one frozen object. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = resolveConfigPath(options, env, cwd);
  const fileTree = readFileConfig(file);

  const merged: Tree = structuredClone(fileTree);
  const envSources = new Map<string, string>();
  for (const binding of envBindings) {
    const raw = env[binding.name];
    if (raw === undefined || raw === '') continue;
    const value = coerceEnvValue(binding.kind, raw);
    if (value === undefined) continue;
    setPath(merged, binding.path, value);
    envSources.set(binding.path.join('.'), `env ${binding.name}`);
  }

  const fileLabel = file ?? 'hermes.yaml';
  // A list's item (`dataProtection.keys.0`) comes from where its list came from.
  const sourceOf = (path: string): string | undefined =>
    envSources.get(path) ??
    envSources.get(path.replace(/\.\d+$/, '')) ??
    (hasPath(fileTree, path.split('.')) ? fileLabel : undefined);

  const result = configSchema.safeParse(merged, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.map((issue) => formatIssue(issue, sourceOf));
    throw new ConfigError(
      `invalid configuration (${problems.length} problem${problems.length > 1 ? 's' : ''})`,
      problems,
    );
  }

  const sources = new Map<string, string>();
  for (const path of leafPaths(result.data)) {
    const key = path.join('.');
    sources.set(key, envSources.get(key) ?? (hasPath(fileTree, path) ? 'file' : 'default'));
  }

  const warnings: string[] = [];
  if (env.DATABASE_URL && env.POSTGRES_URL && env.DATABASE_URL !== env.POSTGRES_URL) {
    warnings.push('DATABASE_URL and POSTGRES_URL differ; using DATABASE_URL');
  }
  if (result.data.environment === 'production' && result.data.database.url === undefined) {
    warnings.push('environment is production but no DATABASE_URL is set: using the embedded database');
  }
  if (result.data.database.migrationUrl !== undefined && result.data.database.url === undefined) {
    warnings.push(
      'database.migrationUrl is set but database.url is not: the embedded database has one owner, so migrationUrl is not used',
    );
  }

  return { config: deepFreeze(result.data), sources, file, warnings };
}
