import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import { afterAll, describe, expect, it } from 'vitest';
import { childCoverageEnv, recordChildCoverage } from './child-coverage.ts';
import { convertChildScript, readChildCoverage } from './read-child-coverage.ts';

const root = mkdtempSync(join(tmpdir(), 'hermes-child-coverage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sample = `export function used(flag: boolean): string {
  if (flag) {
    return 'yes';
  }
  return 'no';
}

export function unused(): number {
  return 42;
}
`;

/** A child process as the tests start them: node, tsx for the TypeScript, the env a worker passes on. */
function runChild(dir: string, srcDir: string, calls: string, recorded = srcDir): void {
  const env: NodeJS.ProcessEnv = { ...process.env, ...childCoverageEnv(dir, pathToFileURL(recorded).href) };
  delete env.NODE_OPTIONS;
  recordChildCoverage(env);
  const tsx = pathToFileURL(fileURLToPath(import.meta.resolve('tsx/esm'))).href;
  const entry = pathToFileURL(join(srcDir, 'sample.ts')).href;
  const child = spawnSync(
    process.execPath,
    ['--import', tsx, '--input-type=module', '-e', `const m = await import(${JSON.stringify(entry)}); ${calls}`],
    { env, encoding: 'utf8' },
  );
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
}

async function converted(dir: string): Promise<FileCoverageData> {
  const [script] = readChildCoverage(dir).scripts;
  if (!script) throw new Error(`no coverage recorded in ${dir}`);
  const data = await convertChildScript(script);
  if (typeof data === 'string') throw new Error(data);
  return data;
}

function functionHits(data: FileCoverageData): Record<string, number> {
  return Object.fromEntries(Object.entries(data.fnMap).map(([id, f]) => [f.name, data.f[id] ?? -1]));
}

describe('child process coverage', () => {
  const srcDir = join(root, 'src');
  mkdirSync(srcDir);
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  writeFileSync(join(srcDir, 'sample.ts'), sample);

  it('records what a child ran of src/ and converts it to the original file’s lines and branches', async () => {
    const dir = join(root, 'one');
    runChild(dir, srcDir, 'm.used(true);');
    const { processes, scripts } = readChildCoverage(dir);
    expect(processes).toBe(1);
    expect(scripts.map((s) => s.path)).toEqual([join(srcDir, 'sample.ts')]);
    const data = await converted(dir);
    // Beside them tsx's own `__name` helper, which the projection onto vitest's map leaves out.
    expect(functionHits(data)).toMatchObject({ used: 1, unused: 0 });
    const hitsOnLine = (line: number) =>
      Object.entries(data.statementMap)
        .filter(([, loc]) => loc.start.line === line)
        .map(([id]) => data.s[id]);
    expect(hitsOnLine(3)).toEqual([1]); // return 'yes'
    expect(hitsOnLine(5)).toEqual([0]); // return 'no': the branch not taken
    expect(hitsOnLine(9)).toEqual([0]);
    const ifBranch = Object.entries(data.branchMap).find(([, b]) => b.type === 'if');
    expect(ifBranch && data.b[ifBranch[0]]).toEqual([1, 0]);
  });

  it('merges the runs of several children of the same code', async () => {
    const dir = join(root, 'two');
    runChild(dir, srcDir, 'm.used(true);');
    runChild(dir, srcDir, 'm.used(false); m.unused();');
    expect(readdirSync(join(dir, 'sources'))).toHaveLength(1);
    const { processes, scripts } = readChildCoverage(dir);
    expect(processes).toBe(2);
    expect(scripts).toHaveLength(1);
    const data = await converted(dir);
    expect(functionHits(data)).toMatchObject({ used: 2, unused: 1 });
  });

  it('records nothing for a process outside src/, and nothing at all without the variable', () => {
    const env: NodeJS.ProcessEnv = { NODE_OPTIONS: '--max-old-space-size=256' };
    recordChildCoverage(env);
    expect(env.NODE_OPTIONS).toBe('--max-old-space-size=256');
    const dir = join(root, 'none');
    runChild(dir, srcDir, 'm.used(true);', join(root, 'elsewhere-src'));
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });
});
