import { relative, resolve } from 'node:path';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { errorOutcome, listSome, plural } from '../support/outcome.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { isFresh } from './newest-mtime.ts';
import { judgeOwnRun, judgeReport, notApplicable } from './project-tests.ts';
import { chooseResultsSource } from './results-source.ts';
import { sharedTestRun } from './shared-test-run.ts';
import { projectFiles } from './vitest-projects.ts';
import { nestedSkip, readReport, restrictReport } from './vitest-run.ts';

const gateKey = 'tests.integration';

/** With a command of its own: `read` judges the results file whole, else the command runs. */
async function judgeCommand(ctx: GateContext, command: readonly string[]): Promise<GateOutcome> {
  const settings = gateThresholds(ctx.config).tests.integration;
  if (settings.mode !== 'read') return judgeOwnRun(ctx, command, settings, `command ${command.join(' ')}`);
  const report = readReport(resolve(ctx.cwd, settings.results));
  if (!report) return errorOutcome('no test results to judge', `no JSON test results at ${settings.results}`);
  return judgeReport({ report, source: `judged ${settings.results}` }, settings, ctx.cwd);
}

async function judgeIntegration(ctx: GateContext): Promise<GateOutcome> {
  const skip = nestedSkip(ctx);
  if (skip) return skip;
  const thresholds = gateThresholds(ctx.config).tests;
  const settings = thresholds.integration;
  if (settings.command) return judgeCommand(ctx, settings.command);
  const listed = await projectFiles(ctx, settings.project);
  if (listed.kind === 'not-applicable') return notApplicable(gateKey, listed.reason);
  if (listed.kind === 'error') return errorOutcome('could not list the vitest test files', listed.reason);
  const files = new Set(listed.files);
  const project = `project ${settings.project}`;

  const results = settings.mode === 'run' ? undefined : readReport(resolve(ctx.cwd, settings.results));
  const judged = new Set(results?.testResults.map((file) => file.name));
  const missing = listed.files.filter((file) => !judged.has(file)).map((file) => relative(ctx.cwd, file));
  const source = chooseResultsSource({
    mode: settings.mode,
    parsed: results !== undefined,
    fresh: isFresh(ctx.cwd, settings.results, thresholds.coverage.sourceDirs),
    missing,
  });

  if (source.kind === 'read') {
    if (!results)
      return errorOutcome('no test results to judge', `no JSON test results at ${settings.results}`);
    if (missing.length > 0) {
      return {
        status: 'fail',
        summary: `${settings.results} holds no result for ${plural(missing.length, 'test file')} of ${project}: ${listSome(missing, 2)}`,
        evidence: [
          { kind: 'rows', title: 'test files without results', content: missing.map((file) => ({ file })) },
        ],
      };
    }
    const report = restrictReport(results, files);
    return judgeReport({ report, source: `${project}, judged ${settings.results}` }, settings, ctx.cwd);
  }

  ctx.log(`running the tests (${source.why})`);
  const shared = await sharedTestRun(ctx);
  if (typeof shared === 'string') return errorOutcome('the test run did not start', shared);
  const output = `${shared.run.stdout}\n${shared.run.stderr}`;
  if (!shared.report) {
    return errorOutcome(
      `vitest run of ${shared.projects.join(', ')} did not report (exit ${String(shared.run.code)})`,
      outputTail(output, 20) || `exit ${String(shared.run.code)}, no output`,
    );
  }
  // The run may hold other projects' tests (coverage's): only this project's files are judged.
  const report = restrictReport(shared.report, files);
  const from = `${project}, from one run of ${shared.projects.join(', ')}; ${source.why}`;
  return judgeReport({ report, source: from, durationMs: shared.run.durationMs, output }, settings, ctx.cwd);
}

export const integrationTestsGate: Gate = {
  id: 'tests.integration',
  stage: 'pre-deploy',
  title: 'Integration tests',
  description:
    'Every test of the integration project passes (real PostgreSQL, HTTP and subprocesses). In `auto` mode (default) it judges the results file when that is newer than every source and test file and holds every file of the project, else one `vitest run --coverage` of the integration and coverage projects that tests.coverage shares (only this project’s files are judged); `read` and `run` force one or the other; a `command` replaces vitest. Skips when the repository has no such vitest project, and inside a test run a gate started (HERMES_GATES_NESTED=1).',
  spec: '§1.2.2',
  timeoutMs: 1_800_000,
  thresholds: (config) =>
    describeThresholds(config, 'tests', 'integration', {
      passRate: 'minimum pass rate (%)',
      project: 'the vitest project judged',
      command: 'a command writing a Jest-compatible JSON report to {report} (default: vitest)',
      mode: 'auto, run or read',
      results: 'the vitest/Jest JSON results file read',
    }),
  run: judgeIntegration,
};
