import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      assertionResults: z.array(z.looseObject({ fullName: z.string(), status: z.string() })),
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

/** The failed tests (and test files that failed to load), named for a summary. */
export function failedTests(report: VitestReport, cwd: string): string[] {
  return report.testResults.flatMap((file) => {
    const name = file.name.startsWith(cwd) ? file.name.slice(cwd.length + 1) : file.name;
    const failed = file.assertionResults
      .filter((a) => a.status === 'failed')
      .map((a) => `${name} > ${a.fullName}`);
    if (failed.length === 0 && file.assertionResults.length === 0 && file.message)
      return [`${name} (did not load)`];
    return failed;
  });
}
