import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build, type Message } from 'esbuild';
import { manifestFile, type BuildPlan } from './plan-build.ts';
import { sha256Hex } from '../../text/sha256-hex.ts';

export interface BuiltFile {
  /** Relative to the build directory, with `/` separators. */
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface BuildReport {
  readonly environment: string;
  readonly outDir: string;
  readonly outfile: string;
  /** esbuild's warnings and errors, and copies that could not be made, one line each. */
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
  /** The JavaScript esbuild wrote (source maps not counted), in bytes. */
  readonly bundleBytes: number;
  readonly files: readonly BuiltFile[];
  readonly durationMs: number;
}

/** `src/x.ts:3:7: Could not resolve "y"`: where, then what. */
export function messageLine(message: Message): string {
  const where = message.location
    ? `${message.location.file}:${String(message.location.line)}:${String(message.location.column)}: `
    : '';
  return `${where}${message.text}`;
}

interface EsbuildFailure {
  errors: Message[];
  warnings: Message[];
}

function isEsbuildFailure(error: unknown): error is EsbuildFailure {
  return (
    typeof error === 'object' &&
    error !== null &&
    Array.isArray((error as Partial<EsbuildFailure>).errors) &&
    Array.isArray((error as Partial<EsbuildFailure>).warnings)
  );
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function describeFiles(outDir: string): BuiltFile[] {
  return listFiles(outDir).map((file) => {
    const content = readFileSync(file);
    return {
      path: relative(outDir, file).split(sep).join('/'),
      bytes: content.length,
      sha256: sha256Hex(content),
    };
  });
}

/**
 * Why the build directory must not be emptied, or null. Only a directory that is missing, empty
 * or an earlier build (its release.json) is emptied: `outDir: src` must not delete the sources.
 */
export function emptyingRefusal(plan: BuildPlan): string | null {
  const inside = (path: string) => path === plan.outDir || path.startsWith(`${plan.outDir}${sep}`);
  const source = [plan.entry, ...plan.copy.map((c) => c.from)].find(inside);
  if (source !== undefined)
    return `${plan.outDir}: holds ${source}, which the build reads; choose another outDir`;
  if (!existsSync(plan.outDir) || readdirSync(plan.outDir).length === 0) return null;
  if (existsSync(join(plan.outDir, manifestFile))) return null;
  return `${plan.outDir}: not empty and not an earlier build (no ${manifestFile}); refusing to empty it`;
}

function emptyReport(plan: BuildPlan): BuildReport {
  return {
    environment: plan.environment,
    outDir: plan.outDir,
    outfile: plan.outfile,
    warnings: [],
    errors: [],
    bundleBytes: 0,
    files: [],
    durationMs: 0,
  };
}

/**
 * Builds one environment into its own directory, emptied first: the bundle, the files a release
 * needs beside it, and `release.json` (the stamp, the time, every file's size and sha256).
 * Failures are in the report, not thrown: the gate says what went wrong.
 */
export async function runBuild(plan: BuildPlan, now: () => Date = () => new Date()): Promise<BuildReport> {
  const started = performance.now();
  const refusal = emptyingRefusal(plan);
  if (refusal !== null) {
    return { ...emptyReport(plan), errors: [refusal], durationMs: Math.round(performance.now() - started) };
  }
  rmSync(plan.outDir, { recursive: true, force: true });
  mkdirSync(plan.outDir, { recursive: true });
  const warnings: string[] = [];
  const errors: string[] = [];
  let bundleBytes = 0;
  try {
    const result = await build(plan.esbuild);
    warnings.push(...result.warnings.map(messageLine));
    for (const [file, output] of Object.entries(result.metafile.outputs)) {
      if (!file.endsWith('.map')) bundleBytes += output.bytes;
    }
  } catch (error) {
    if (!isEsbuildFailure(error)) throw error;
    errors.push(...error.errors.map(messageLine));
    warnings.push(...error.warnings.map(messageLine));
  }
  for (const copy of plan.copy) {
    if (!existsSync(copy.from)) {
      errors.push(`${copy.from}: not found (build.copy)`);
      continue;
    }
    cpSync(copy.from, copy.to, { recursive: statSync(copy.from).isDirectory() });
  }
  const files = describeFiles(plan.outDir);
  const manifest = { ...plan.stamp, builtAt: now().toISOString(), bundleBytes, files };
  writeFileSync(join(plan.outDir, manifestFile), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    ...emptyReport(plan),
    warnings,
    errors,
    bundleBytes,
    files,
    durationMs: Math.round(performance.now() - started),
  };
}
