import type { Evidence, GateContext, GateOutcome, Measurement } from '../../gate.ts';
import { errorOutcome, listSome, measure, plural, tail } from '../support/outcome.ts';
import { failedTests, failureMessages, nestedSkip, runVitest, slowestFiles } from './vitest-run.ts';

export interface ProjectTestLimits {
  project: string;
  passRate: number;
  maxDurationMs?: number;
}

/** Runs one vitest project and judges its pass rate (and run time, when limited). */
export async function judgeProjectTests(ctx: GateContext, limits: ProjectTestLimits): Promise<GateOutcome> {
  const skip = nestedSkip(ctx);
  if (skip) return skip;
  const result = await runVitest(ctx, ['--project', limits.project]);
  if (typeof result === 'string') return errorOutcome('vitest is not installed', result);
  const { run, report } = result;
  if (!report) {
    return errorOutcome(
      `vitest project ${limits.project} did not report (exit ${String(run.code)})`,
      tail(`${run.stdout}\n${run.stderr}`, 20),
    );
  }
  const ran = report.numPassedTests + report.numFailedTests;
  const failed = failedTests(report, ctx.cwd);
  const passRate = ran === 0 ? 0 : Math.floor((10_000 * report.numPassedTests) / ran) / 100;
  const measurements: Measurement[] = [
    measure('tests run', ran, 'count', 0, '>'),
    measure('pass rate', passRate, '%', limits.passRate, '>='),
    measure('failed', report.numFailedTests, 'count'),
    measure('skipped', report.numPendingTests + report.numTodoTests, 'count'),
    limits.maxDurationMs === undefined
      ? measure('run time', run.durationMs, 'ms')
      : measure('run time', run.durationMs, 'ms', limits.maxDurationMs, '<'),
  ];
  const slowest = slowestFiles(report, ctx.cwd, 5);
  const failures = failureMessages(report, ctx.cwd);
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
    ...(failed.length > 0 || run.code !== 0
      ? [
          {
            kind: 'output' as const,
            title: 'vitest output (tail)',
            content: tail(`${run.stdout}\n${run.stderr}`),
          },
        ]
      : []),
  ];
  const seconds = (run.durationMs / 1000).toFixed(1);
  if (ran === 0) {
    return {
      status: 'fail',
      summary: `no test ran in vitest project ${limits.project}`,
      measurements,
      evidence,
    };
  }
  if (passRate < limits.passRate || (failed.length > 0 && limits.passRate >= 100)) {
    return {
      status: 'fail',
      summary: `${plural(failed.length, 'test')} failed (pass rate ${passRate}%): ${listSome(failed, 2)}`,
      measurements,
      evidence,
    };
  }
  if (limits.maxDurationMs !== undefined && run.durationMs >= limits.maxDurationMs) {
    return {
      status: 'fail',
      summary: `${plural(ran, 'test')} passed but took ${seconds} s (limit ${limits.maxDurationMs / 1000} s)${
        slowest.length > 0
          ? `; slowest: ${slowest
              .slice(0, 2)
              .map((s) => `${s.file} ${(s.ms / 1000).toFixed(1)} s`)
              .join(', ')}`
          : ''
      }`,
      measurements,
      evidence,
    };
  }
  return {
    status: 'pass',
    summary: `${plural(ran, 'test')} passed in ${seconds} s (project ${limits.project})`,
    measurements,
    evidence,
  };
}
