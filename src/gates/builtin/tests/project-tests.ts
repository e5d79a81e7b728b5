import type { Evidence, GateContext, GateOutcome, Measurement } from '../../gate.ts';
import { errorOutcome, listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { formatSeconds } from '../../../text/duration.ts';
import { projectFiles } from './vitest-projects.ts';
import {
  failedTests,
  failureMessages,
  nestedSkip,
  runReportCommand,
  slowestFiles,
  vitestCommand,
  type VitestReport,
} from './vitest-run.ts';

export interface ProjectTestLimits {
  project: string;
  passRate: number;
  maxDurationMs?: number;
  command?: readonly string[] | undefined;
}

/** What was judged: a report, where it came from, and the run's time and output when there was one. */
export interface JudgedReport {
  report: VitestReport;
  /** `project unit`, `project integration, from reports/test-results.json`, … */
  source: string;
  durationMs?: number;
  output?: string;
}

/** A gate that does not apply to this repository: skip, saying which keys make it apply. */
export function notApplicable(gateKey: string, why: string): GateOutcome {
  return skipOutcome(
    `does not apply: ${why}`,
    `${why}; set gates.thresholds.${gateKey}.project to the vitest project to run, or gates.thresholds.${gateKey}.command to a command that writes a Jest-compatible JSON report to {report}`,
  );
}

/** Judges a report's pass rate (and run time, when limited). */
export function judgeReport(judged: JudgedReport, limits: ProjectTestLimits, cwd: string): GateOutcome {
  const { report, durationMs, output } = judged;
  const ran = report.numPassedTests + report.numFailedTests;
  const failed = failedTests(report, cwd);
  const passRate = ran === 0 ? 0 : Math.floor((10_000 * report.numPassedTests) / ran) / 100;
  const measurements: Measurement[] = [
    measure('tests run', ran, 'count', 0, '>'),
    measure('pass rate', passRate, '%', limits.passRate, '>='),
    measure('failed', report.numFailedTests, 'count'),
    measure('skipped', report.numPendingTests + report.numTodoTests, 'count'),
    ...(durationMs === undefined
      ? []
      : [
          limits.maxDurationMs === undefined
            ? measure('run time', durationMs, 'ms')
            : measure('run time', durationMs, 'ms', limits.maxDurationMs, '<'),
        ]),
  ];
  const slowest = slowestFiles(report, cwd, 5);
  const failures = failureMessages(report, cwd);
  const evidence: Evidence[] = [
    ...(failures.length > 0 ? [{ kind: 'rows' as const, title: 'failed tests', content: failures }] : []),
    ...(slowest.length > 0
      ? [
          {
            kind: 'rows' as const,
            title: 'slowest test files',
            content: slowest.map((s) => ({ file: s.file, seconds: Number((s.ms / 1000).toFixed(1)) })),
          },
        ]
      : []),
    ...(failed.length > 0 && output !== undefined
      ? [{ kind: 'output' as const, title: 'test output (tail)', content: outputTail(output, 40) }]
      : []),
  ];
  const took = durationMs === undefined ? '' : ` in ${formatSeconds(durationMs)}`;
  // A failure the pass rate allows is still said: "2 tests passed (1 failed)", never "3 tests passed".
  const passedText = `${plural(report.numPassedTests, 'test')} passed${
    report.numFailedTests > 0 ? ` (${report.numFailedTests} failed)` : ''
  }`;
  if (ran === 0) {
    return { status: 'fail', summary: `no test ran (${judged.source})`, measurements, evidence };
  }
  if (passRate < limits.passRate || (failed.length > 0 && limits.passRate >= 100)) {
    return {
      status: 'fail',
      summary: `${plural(failed.length, 'test')} failed (pass rate ${passRate}%): ${listSome(failed, 2)}`,
      measurements,
      evidence,
    };
  }
  if (limits.maxDurationMs !== undefined && durationMs !== undefined && durationMs >= limits.maxDurationMs) {
    return {
      status: 'fail',
      summary: `${passedText} but took ${formatSeconds(durationMs)} (limit ${limits.maxDurationMs / 1000} s)${
        slowest.length > 0
          ? `; slowest: ${slowest
              .slice(0, 2)
              .map((s) => `${s.file} ${formatSeconds(s.ms)}`)
              .join(', ')}`
          : ''
      }`,
      measurements,
      evidence,
    };
  }
  return {
    status: 'pass',
    summary: `${passedText}${took} (${judged.source})`,
    measurements,
    evidence,
  };
}

/** Runs a test command of the gate's own and judges its report. */
export async function judgeOwnRun(
  ctx: GateContext,
  argv: readonly string[],
  limits: ProjectTestLimits,
  source: string,
): Promise<GateOutcome> {
  const { run, report } = await runReportCommand(ctx, argv);
  const output = `${run.stdout}\n${run.stderr}`;
  if (!report) {
    return errorOutcome(
      `${source} wrote no JSON report (exit ${String(run.code)})`,
      outputTail(output, 20) || `exit ${String(run.code)}, no output`,
    );
  }
  return judgeReport({ report, source, durationMs: run.durationMs, output }, limits, ctx.cwd);
}

/**
 * Runs one project on its own (tests.unit: its limit is on this run's wall clock) — the configured
 * command, else `vitest run --project <project>` — and judges it.
 */
export async function judgeProjectTests(
  ctx: GateContext,
  limits: ProjectTestLimits,
  gateKey: string,
): Promise<GateOutcome> {
  const skip = nestedSkip(ctx);
  if (skip) return skip;
  if (limits.command) return judgeOwnRun(ctx, limits.command, limits, `command ${limits.command.join(' ')}`);
  const files = await projectFiles(ctx, limits.project);
  if (files.kind === 'not-applicable') return notApplicable(gateKey, files.reason);
  if (files.kind === 'error') return errorOutcome('could not list the vitest test files', files.reason);
  const argv = vitestCommand(ctx.cwd, ['--project', limits.project]);
  if (typeof argv === 'string') return notApplicable(gateKey, argv);
  return judgeOwnRun(ctx, argv, limits, `project ${limits.project}`);
}
