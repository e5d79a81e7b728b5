import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { z } from 'zod';
import type { GateContext, GateOutcome } from '../../gate.ts';
import { skipOutcome } from '../support/outcome.ts';
import { resolveTool } from '../support/resolve-tool.ts';
import { runTool, type ToolRun } from '../support/run-tool.ts';

/** Set in the environment of every test run a gate starts, so a test suite that runs gates does not recurse. */
export const nestedVariable = 'HERMES_GATES_NESTED';

/** The test gates' answer when they run inside a test run that a gate started (ctx.env is the run's environment). */
export function nestedSkip(ctx: GateContext): GateOutcome | undefined {
  if (ctx.env[nestedVariable] !== '1') return undefined;
  return skipOutcome(
    'skipped inside a test run started by a gate',
    `${nestedVariable}=1: running the test suite again from inside it would recurse`,
  );
}

/** Vitest's JSON reporter (Jest's format): the fields the gates read. */
const vitestReport = z.looseObject({
  numTotalTests: z.int(),
  numPassedTests: z.int(),
  numFailedTests: z.int(),
  numPendingTests: z.int().default(0),
  numTodoTests: z.int().default(0),
  testResults: z.array(
    z.looseObject({
      name: z.string(),
      message: z.string().optional(),
      startTime: z.number().optional(),
      endTime: z.number().optional(),
      assertionResults: z.array(
        z.looseObject({
          fullName: z.string(),
          status: z.string(),
          failureMessages: z.array(z.string()).optional(),
        }),
      ),
    }),
  ),
});
export type VitestReport = z.infer<typeof vitestReport>;

export interface VitestRun {
  run: ToolRun;
  report: VitestReport | undefined;
}

/** Runs `vitest run <args> --reporter=json` in the repository, the child marked as nested. */
export async function runVitest(ctx: GateContext, args: readonly string[]): Promise<VitestRun | string> {
  const vitest = resolveTool(ctx.cwd, 'vitest');
  if (!vitest) return 'no vitest executable in node_modules/.bin';
  const dir = mkdtempSync(join(tmpdir(), 'hermes-vitest-'));
  const output = join(dir, 'report.json');
  try {
    const run = await runTool(vitest, ['run', ...args, '--reporter=json', `--outputFile=${output}`], {
      cwd: ctx.cwd,
      signal: ctx.signal,
      env: { ...process.env, ...ctx.env, [nestedVariable]: '1', CI: 'true' },
    });
    let report: VitestReport | undefined;
    try {
      report = vitestReport.parse(JSON.parse(readFileSync(output, 'utf8')));
    } catch {
      report = undefined;
    }
    return { run, report };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const relative = (name: string, cwd: string) => (name.startsWith(cwd) ? name.slice(cwd.length + 1) : name);

/** The failed tests (and test files that failed to load), named for a summary. */
export function failedTests(report: VitestReport, cwd: string): string[] {
  return report.testResults.flatMap((file) => {
    const name = relative(file.name, cwd);
    const failed = file.assertionResults
      .filter((a) => a.status === 'failed')
      .map((a) => `${name} > ${a.fullName}`);
    if (failed.length === 0 && file.assertionResults.length === 0 && file.message)
      return [`${name} (did not load)`];
    return failed;
  });
}

/** The test files that took longest (their tests' run time, as vitest reports it), slowest first. */
export function slowestFiles(
  report: VitestReport,
  cwd: string,
  count: number,
): { file: string; ms: number }[] {
  return report.testResults
    .flatMap((file) =>
      file.startTime === undefined || file.endTime === undefined
        ? []
        : [{ file: relative(file.name, cwd), ms: Math.round(file.endTime - file.startTime) }],
    )
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

/** Each failed test with the start of its assertion message (colours removed, a few lines). */
export function failureMessages(report: VitestReport, cwd: string): { test: string; message: string }[] {
  return report.testResults.flatMap((file) =>
    file.assertionResults
      .filter((a) => a.status === 'failed')
      .map((a) => ({
        test: `${relative(file.name, cwd)} > ${a.fullName}`,
        message: stripVTControlCharacters(a.failureMessages?.[0] ?? file.message ?? '')
          .split('\n')
          .slice(0, 8)
          .join('\n')
          .slice(0, 1_000),
      })),
  );
}
