import { readdirSync, readFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeProcessCovs } from '@bcoe/v8-coverage';
import convert, { type Options } from 'ast-v8-to-istanbul';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { parseAstAsync } from 'vitest/node';
import type { ChildCoverageFile } from './child-coverage.ts';

/** One file's code as the children ran it, with their coverage of it merged. */
export interface ChildScript {
  url: string;
  path: string;
  code: string;
  functions: Profiler.FunctionCoverage[];
}

/**
 * Every child's record in `dir`, merged per executed code: a file's code is the same in every
 * child, and keyed by its hash two versions of one file (an edit mid-run) never merge.
 */
export function readChildCoverage(dir: string): { processes: number; scripts: ChildScript[] } {
  const records = readdirSync(dir)
    .filter((name) => name.startsWith('child-') && name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as ChildCoverageFile);
  const urls = new Map<string, string>();
  const merged = mergeProcessCovs(
    records.map((record) => ({
      result: record.result.map((script): Profiler.ScriptCoverage => {
        urls.set(script.source, script.url);
        return { scriptId: '0', url: script.source, functions: script.functions };
      }),
    })),
  );
  const scripts = merged.result.map((script) => {
    const url = urls.get(script.url) ?? '';
    const code = readFileSync(join(dir, 'sources', `${script.url}.js`), 'utf8');
    return { url, path: fileURLToPath(url), code, functions: script.functions };
  });
  return { processes: records.length, scripts };
}

const inlineMapPrefix = '//# sourceMappingURL=data:application/json;base64,';
type SourceMap = NonNullable<Options['sourceMap']>;

/** The source map tsx inlines at the end of the code it hands to V8, its sources absolute. */
function inlineSourceMap(code: string, url: string): SourceMap | undefined {
  const at = code.lastIndexOf(inlineMapPrefix);
  if (at === -1) return undefined;
  const encoded = code.slice(at + inlineMapPrefix.length).trim();
  const map = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as SourceMap;
  return { ...map, sources: map.sources.map((source) => (source === null ? null : new URL(source, url).href)) };
}

/**
 * The script's coverage in the original file's terms, converted as vitest converts its own (the
 * same parser and converter), or why it cannot be.
 */
export async function convertChildScript(
  script: ChildScript,
  ignoreClassMethods: string[] = [],
): Promise<FileCoverageData | string> {
  const sourceMap = inlineSourceMap(script.code, script.url);
  if (!sourceMap) return `${script.path} (no source map)`;
  const converted = await convert({
    code: script.code,
    sourceMap,
    // The parser vitest's v8 provider converts with, so both sides see the same AST.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    ast: await parseAstAsync(script.code),
    coverage: { url: script.url, functions: script.functions },
    ignoreClassMethods,
  });
  return converted[script.path] ?? `${script.path} (maps to ${Object.keys(converted).join(', ') || 'nothing'})`;
}
