import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { errorOutcome, listSome, measure, skipOutcome, thrownOutcome } from '../support/outcome.ts';
import type { GateThresholds } from '../../../config/sections/gate-thresholds.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import {
  coveredFiles,
  type CoveredFile,
  criticalEvidence,
  criticalFigures,
  criticalMeasurements,
  criticalProblems,
  judgeCriticalPaths,
  percentOf,
} from './critical-paths.ts';
import { isFresh } from './newest-mtime.ts';
import { coverageSummary, sharedTestRun, type CoverageSummary } from './shared-test-run.ts';
import { usesVitest } from './vitest-projects.ts';
import { nestedSkip } from './vitest-run.ts';

const metrics = ['lines', 'statements', 'functions', 'branches'] as const;

type Source = { summary: CoverageSummary; from: string } | { skip: GateOutcome } | string;

/** The coverage of the run tests.integration shares (one run of both gates' projects). */
async function runCoverage(ctx: GateContext): Promise<Source> {
  if (!usesVitest(ctx.cwd)) {
    const why = 'the repository has no vitest config and no vitest dependency, and no fresh coverage summary';
    return {
      skip: skipOutcome(
        `does not apply: ${why}`,
        `${why}; set gates.thresholds.tests.coverage.mode to read and gates.thresholds.tests.coverage.summary to the json-summary your coverage tool writes`,
      ),
    };
  }
  const shared = await sharedTestRun(ctx);
  if (typeof shared === 'string') return shared;
  if (typeof shared.coverage === 'string') return shared.coverage;
  return { summary: shared.coverage, from: `one run of ${shared.projects.join(', ')}` };
}

/**
 * `read`: the summary file as it is; `run`: a fresh coverage run; `auto`: the summary when it is
 * newer than every file under sourceDirs, else a run.
 */
async function coverageSource(ctx: GateContext): Promise<Source> {
  const settings = gateThresholds(ctx.config).tests.coverage;
  const path = resolve(ctx.cwd, settings.summary);
  const readFile = (): Source => ({
    summary: coverageSummary.parse(JSON.parse(readFileSync(path, 'utf8'))),
    from: settings.summary,
  });
  if (settings.mode === 'read')
    return existsSync(path) ? readFile() : `no coverage summary at ${settings.summary}`;
  if (settings.mode === 'auto' && isFresh(ctx.cwd, settings.summary, settings.sourceDirs)) return readFile();
  const skip = nestedSkip(ctx);
  if (skip) return { skip };
  return runCoverage(ctx);
}

type Settings = GateThresholds['tests']['coverage'];
type Total = NonNullable<CoverageSummary['total']>;

/** `below lines 90%, …: figures; least covered: …`, or nothing when every total reaches its minimum. */
function totalsProblem(total: Total, settings: Settings, lowest: readonly CoveredFile[]): string[] {
  const below = metrics.filter((m) => percentOf(total[m].pct) < settings[m]);
  if (below.length === 0) return [];
  const least = listSome(lowest.slice(0, 2).map((f) => `${f.file} (${f.lines}% lines)`));
  return [
    `below ${listSome(below.map((m) => `${m} ${settings[m]}%`))}: ${figuresOf(total)}; least covered: ${least}`,
  ];
}

function figuresOf(total: Total): string {
  return metrics.map((m) => `${m} ${percentOf(total[m].pct)}%`).join(', ');
}

/** The totals against their minimums and, when criticalPaths is set, each critical file against its own. */
function judgeSummary(
  summary: CoverageSummary,
  total: Total,
  from: string,
  cwd: string,
  settings: Settings,
): GateOutcome {
  const files = coveredFiles(summary, cwd);
  const critical =
    settings.criticalPaths.length > 0
      ? judgeCriticalPaths(files, settings.criticalPaths, settings.critical)
      : undefined;
  const measurements = [
    ...metrics.map((m) => measure(`${m} coverage`, percentOf(total[m].pct), '%', settings[m], '>=')),
    ...(critical ? criticalMeasurements(critical) : []),
  ];
  const lowest = [...files].sort((a, b) => a.lines + a.branches - (b.lines + b.branches)).slice(0, 10);
  const evidence = [
    { kind: 'rows' as const, title: `least covered files (from ${from})`, content: lowest },
    ...(critical ? [criticalEvidence(critical)] : []),
  ];
  const totals = totalsProblem(total, settings, lowest);
  const problems = [...totals, ...(critical ? criticalProblems(critical) : [])];
  if (problems.length > 0) {
    // Totals that pass are still given when only critical files fail: the reader sees both.
    const summaryLine =
      totals.length > 0 ? problems.join('; ') : `${problems.join('; ')}; totals ${figuresOf(total)}`;
    return { status: 'fail', summary: summaryLine, measurements, evidence };
  }
  const passed = critical ? `${figuresOf(total)}; ${criticalFigures(critical)}` : figuresOf(total);
  return { status: 'pass', summary: `${passed} (from ${from})`, measurements, evidence };
}

export const coverageGate: Gate = {
  id: 'tests.coverage',
  stage: 'pre-deploy',
  title: 'Test coverage',
  description:
    'Judges lines, statements, functions and branches coverage from the json-summary: in `auto` mode (default) the summary file when it is newer than every source and test file, else the coverage of the one `vitest run --coverage` of the configured projects and the integration project that tests.integration shares; `read` and `run` force one or the other.',
  spec: '§1.2.1',
  timeoutMs: 1_800_000,
  thresholds: (config) =>
    describeThresholds(config, 'tests', 'coverage', {
      lines: 'minimum lines coverage (%)',
      statements: 'minimum statements coverage (%)',
      functions: 'minimum functions coverage (%)',
      branches: 'minimum branches coverage (%)',
      mode: 'auto, run or read',
      summary: 'the coverage summary file read',
      projects: 'the vitest projects a coverage run includes',
      criticalPaths:
        'globs of critical files (relative to the repository), each judged on its own; a glob matching no covered file fails',
      critical: 'minimum lines and branches coverage (%) of each critical file',
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).tests.coverage;
    let source: Source;
    try {
      source = await coverageSource(ctx);
    } catch (error) {
      return thrownOutcome('could not read the coverage summary', error);
    }
    if (typeof source === 'string') return errorOutcome('no coverage to judge', source);
    if ('skip' in source) return source.skip;
    const total = source.summary.total;
    if (!total) return errorOutcome('no coverage to judge', `${source.from}: no "total" entry`);
    return judgeSummary(source.summary, total, source.from, ctx.cwd, settings);
  },
};
