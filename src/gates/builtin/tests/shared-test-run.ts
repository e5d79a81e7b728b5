import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { GateContext } from '../../gate.ts';
import { outputTail } from '../../../text/output-tail.ts';
import { gateThresholds } from '../support/thresholds.ts';
import { projectNames } from './vitest-projects.ts';
import { runReportCommand, vitestCommand, type VitestRun } from './vitest-run.ts';

const metric = z.looseObject({
  total: z.number(),
  covered: z.number(),
  pct: z.union([z.number(), z.literal('Unknown')]),
});
const fileSummary = z.looseObject({ lines: metric, statements: metric, functions: metric, branches: metric });
export const coverageSummary = z.record(z.string(), fileSummary);
export type CoverageSummary = z.infer<typeof coverageSummary>;

export interface SharedTestRun extends VitestRun {
  /** The vitest projects the run included. */
  projects: string[];
  /** The run's json-summary, or why there is none. */
  coverage: CoverageSummary | string;
}

/**
 * The projects of the one run tests.integration and tests.coverage share: the integration
 * project (unless it has a command of its own) and coverage.projects, those vitest knows.
 */
export function sharedRunProjects(
  integration: { project: string; command?: readonly string[] | undefined },
  coverageProjects: readonly string[],
  known: ReadonlySet<string>,
): string[] {
  const wanted = [...(integration.command ? [] : [integration.project]), ...coverageProjects];
  return [...new Set(wanted)].filter((p) => known.has(p));
}

async function runShared(ctx: GateContext): Promise<SharedTestRun | string> {
  const settings = gateThresholds(ctx.config).tests;
  const known = await projectNames(ctx);
  if (typeof known === 'string') return known;
  const projects = sharedRunProjects(settings.integration, settings.coverage.projects, known);
  if (projects.length === 0)
    return `vitest has none of the projects ${settings.coverage.projects.join(', ')}`;
  const dir = mkdtempSync(join(tmpdir(), 'hermes-coverage-'));
  try {
    const argv = vitestCommand(ctx.cwd, [
      ...projects.flatMap((p) => ['--project', p]),
      '--coverage.enabled',
      '--coverage.reporter=json-summary',
      `--coverage.reportsDirectory=${dir}`,
    ]);
    if (typeof argv === 'string') return argv;
    ctx.log(`running vitest projects ${projects.join(', ')} once for the test gates`);
    const result = await runReportCommand(ctx, argv);
    const path = join(dir, 'coverage-summary.json');
    const failed = result.report?.numFailedTests ?? 0;
    const coverage = existsSync(path)
      ? coverageSummary.parse(JSON.parse(readFileSync(path, 'utf8')))
      : `no coverage summary (${failed > 0 ? `${failed} tests failed` : `exit ${String(result.run.code)}`}): ${outputTail(result.run.stderr, 10)}`;
    return { ...result, projects, coverage };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One `vitest run --coverage` of the integration and coverage projects per stage run, whichever
 * gate asks first; tests.unit keeps a run of its own because its limit is on its own wall clock.
 */
export function sharedTestRun(ctx: GateContext): Promise<SharedTestRun | string> {
  return ctx.shared('tests.shared-run', () => runShared(ctx));
}
