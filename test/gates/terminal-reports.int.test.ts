import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { StageRun } from '../../src/gates/stage-run-result.ts';
import { runCli } from '../support/run-cli.ts';

// `hermes gates run` as CI runs it (no terminal): why a gate failed is on the screen even with
// --no-reports, and each run keeps its own reports.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hermes-terminal-'));
  await writeFile(
    join(dir, 'hermes.yaml'),
    stringify({
      gates: {
        history: { enabled: false },
        thresholds: { code: { format: { patterns: ['src'] } } },
        custom: [
          {
            id: 'shell.disk',
            kind: 'shell',
            stage: 'deploy',
            command: 'echo "checking /var"; echo "disk full: 0 bytes left on /var" >&2; exit 3',
          },
          { id: 'shell.ok', kind: 'shell', stage: 'post-deploy', command: 'echo fine' },
        ],
      },
    }),
  );
  // A repository that chose Prettier, with a file Prettier cannot parse.
  await writeFile(join(dir, '.prettierrc.json'), '{}\n');
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src', 'broken.ts'), 'export const = 2;\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const hermes = (args: string[]) =>
  runCli(['gates', 'run', ...args], {
    cwd: dir,
    env: { HERMES_CONFIG: join(dir, 'hermes.yaml'), CI: '1' },
    timeoutMs: 120_000,
  });

describe('a failed gate on the terminal', () => {
  it("shows the failing command's output under the gate and again in the summary, without reports", async () => {
    const result = await hermes(['deploy', '--only', 'shell.disk', '--no-reports']);
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    const gate = lines.findIndex((line) => line.startsWith('✘ shell.disk  FAIL'));
    expect(gate).toBeGreaterThanOrEqual(0);
    // stdout and stderr come through two pipes: either may come first.
    expect(lines[gate + 1]).toMatch(/^ {4}output of echo /);
    expect(lines.slice(gate + 2, gate + 4).sort()).toEqual([
      '      checking /var',
      '      disk full: 0 bytes left on /var',
    ]);
    // The summary repeats it, under the list of what blocked the run.
    const summary = lines.findIndex((line) => line.startsWith('deploy: FAILED'));
    expect(lines.slice(summary).join('\n')).toContain('        disk full: 0 bytes left on /var');
    expect(await readdir(dir)).not.toContain('reports');
  });

  it("shows Prettier's parse error, which only the report held before", async () => {
    const result = await hermes(['pre-deploy', '--only', 'code.format', '--no-reports']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^✘ code\.format {2}ERROR {2}Prettier could not run \(exit 2\)/m);
    expect(result.stdout).toMatch(/^ {4}reason: .*/m);
    expect(result.stdout).toMatch(/^ {6}.*src\/broken\.ts: SyntaxError/m);
  });
});

describe('reports of successive runs', () => {
  it('are two, named by run, with latest pointing at the second', async () => {
    const reports = join(dir, 'reports');
    const run = ['post-deploy', '--only', 'shell.ok', '--report-dir', reports, '--format', 'json,md'];
    const first = await hermes(run);
    const second = await hermes(run);
    expect([first.code, second.code]).toEqual([0, 0]);
    const names = (await readdir(reports)).sort();
    const runs = names.filter((name) => /^gates-post-deploy-\d{4}-.*Z\.json$/.test(name));
    expect(runs).toHaveLength(2);
    expect(names).toEqual(
      expect.arrayContaining(['gates-post-deploy-latest.json', 'gates-post-deploy-latest.md']),
    );
    expect(names).toHaveLength(6);
    const [older, newer] = runs;
    expect(await readlink(join(reports, 'gates-post-deploy-latest.json'))).toBe(newer);
    expect((await lstat(join(reports, 'gates-post-deploy-latest.md'))).isSymbolicLink()).toBe(true);
    const latest = JSON.parse(
      await readFile(join(reports, 'gates-post-deploy-latest.json'), 'utf8'),
    ) as StageRun;
    const olderRun = JSON.parse(await readFile(join(reports, older ?? ''), 'utf8')) as StageRun;
    expect(latest.id).not.toBe(olderRun.id);
    expect(second.stdout).toContain(`report: ${join(reports, newer ?? '')}`);
    expect(first.stdout).toContain(`report: ${join(reports, older ?? '')}`);
  });
});
