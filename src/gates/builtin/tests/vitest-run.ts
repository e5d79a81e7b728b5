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

/** The placeholder a test command's arguments use for the path of its JSON report. */
export const reportPlaceholder = '{report}';

/** A JSON results file parsed, or undefined when it is missing or not Jest/vitest JSON. */
export function readReport(path: string): VitestReport | undefined {
  try {
    return vitestReport.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/**
 * Runs a test command (argv, `{report}` replaced by a temporary path) in the repository, the
 * child marked as nested, and reads the Jest-compatible JSON report it wrote.
 */
export async function runReportCommand(ctx: GateContext, argv: readonly string[]): Promise<VitestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-tests-'));
  const output = join(dir, 'report.json');
  const [command = '', ...args] = argv.map((arg) => arg.replaceAll(reportPlaceholder, output));
  try {
    const run = await runTool(command, args, {
      cwd: ctx.cwd,
      signal: ctx.signal,
      env: { ...process.env, ...ctx.env, [nestedVariable]: '1', CI: 'true' },
    });
    return { run, report: readReport(output) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `vitest run <args> --reporter=json` as a test command, or the reason there is no vitest. */
export function vitestCommand(cwd: string, args: readonly string[]): string[] | string {
  const vitest = resolveTool(cwd, 'vitest');
  if (!vitest) return 'no vitest executable in node_modules/.bin';
  return [vitest, 'run', ...args, '--reporter=json', `--outputFile=${reportPlaceholder}`];
}

/** The statuses vitest and Jest give a test that neither passed nor failed. */
const notRun = new Set(['pending', 'skipped', 'todo', 'disabled']);

/**
 * The report cut down to the given test files (absolute paths), its counts recomputed from
 * what is left: a shared run of several projects judged for one of them.
 */
export function restrictReport(report: VitestReport, files: ReadonlySet<string>): VitestReport {
  const testResults = report.testResults.filter((file) => files.has(file.name));
  const statuses = testResults.flatMap((file) => file.assertionResults.map((a) => a.status));
  const count = (match: (status: string) => boolean) => statuses.filter(match).length;
  return {
    ...report,
    numTotalTests: statuses.length,
    numPassedTests: count((s) => s === 'passed'),
    numFailedTests: count((s) => s === 'failed'),
    numPendingTests: count((s) => notRun.has(s) && s !== 'todo'),
    numTodoTests: count((s) => s === 'todo'),
    testResults,
  };
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
