import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { errorOutcome, listSome, measure, tail } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { nestedSkip, runVitest } from './vitest-run.ts';

const metric = z.looseObject({
  total: z.number(),
  covered: z.number(),
  pct: z.union([z.number(), z.literal('Unknown')]),
});
const fileSummary = z.looseObject({ lines: metric, statements: metric, functions: metric, branches: metric });
const coverageSummary = z.record(z.string(), fileSummary);
type CoverageSummary = z.infer<typeof coverageSummary>;

const metrics = ['lines', 'statements', 'functions', 'branches'] as const;

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    if (entry.name === 'node_modules') return newest;
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    return Math.max(newest, mtime);
  }, 0);
}

function pct(value: number | 'Unknown'): number {
  return value === 'Unknown' ? 100 : value;
}

interface Source {
  summary: CoverageSummary;
  from: string;
}

/** A coverage run of the configured projects, its json-summary written to a directory of its own. */
async function runCoverage(ctx: GateContext, projects: readonly string[]): Promise<Source | string> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-coverage-'));
  try {
    const result = await runVitest(ctx, [
      ...projects.flatMap((p) => ['--project', p]),
      '--coverage.enabled',
      '--coverage.reporter=json-summary',
      `--coverage.reportsDirectory=${dir}`,
    ]);
    if (typeof result === 'string') return result;
    const path = join(dir, 'coverage-summary.json');
    if (!existsSync(path)) {
      const failed = result.report?.numFailedTests ?? 0;
      return `no coverage summary (${failed > 0 ? `${failed} tests failed` : `exit ${String(result.run.code)}`}): ${tail(result.run.stderr, 10)}`;
    }
    return {
      summary: coverageSummary.parse(JSON.parse(readFileSync(path, 'utf8'))),
      from: `a coverage run of ${projects.join(', ')}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `read`: the summary file as it is; `run`: a fresh coverage run; `auto`: the summary when it is
 * newer than every file under sourceDirs, else a run.
 */
async function coverageSource(ctx: GateContext): Promise<Source | string> {
  const settings = gateThresholds(ctx.config).tests.coverage;
  const path = resolve(ctx.cwd, settings.summary);
  const readFile = (): Source => ({
    summary: coverageSummary.parse(JSON.parse(readFileSync(path, 'utf8'))),
    from: settings.summary,
  });
  if (settings.mode === 'read')
    return existsSync(path) ? readFile() : `no coverage summary at ${settings.summary}`;
  if (settings.mode === 'auto' && existsSync(path)) {
    const newestSource = Math.max(...settings.sourceDirs.map((d) => newestMtime(resolve(ctx.cwd, d))));
    if (statSync(path).mtimeMs > newestSource) return readFile();
  }
  const skip = nestedSkip(ctx);
  if (skip) return skip.reason ?? skip.summary;
  return runCoverage(ctx, settings.projects);
}

export const coverageGate: Gate = {
  id: 'tests.coverage',
  stage: 'pre-deploy',
  title: 'Test coverage',
  description:
    'Judges lines, statements, functions and branches coverage from the json-summary: in `auto` mode (default) the summary file when it is newer than every source and test file, else a fresh `vitest run --coverage` of the configured projects; `read` and `run` force one or the other.',
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
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).tests.coverage;
    let source: Source | string;
    try {
      source = await coverageSource(ctx);
    } catch (error) {
      return errorOutcome(
        'could not read the coverage summary',
        error instanceof Error ? error.message : String(error),
      );
    }
    if (typeof source === 'string') {
      const skip = nestedSkip(ctx);
      return skip ?? errorOutcome('no coverage to judge', source);
    }
    const total = source.summary.total;
    if (!total) return errorOutcome('no coverage to judge', `${source.from}: no "total" entry`);
    const measurements = metrics.map((m) =>
      measure(`${m} coverage`, pct(total[m].pct), '%', settings[m], '>='),
    );
    const below = metrics.filter((m) => pct(total[m].pct) < settings[m]);
    const lowest = Object.entries(source.summary)
      .filter(([file]) => file !== 'total')
      .map(([file, s]) => ({
        file: relative(ctx.cwd, file),
        lines: pct(s.lines.pct),
        branches: pct(s.branches.pct),
      }))
      .sort((a, b) => a.lines + a.branches - (b.lines + b.branches))
      .slice(0, 10);
    const evidence = [
      { kind: 'rows' as const, title: `least covered files (from ${source.from})`, content: lowest },
    ];
    const figures = metrics.map((m) => `${m} ${pct(total[m].pct)}%`).join(', ');
    if (below.length > 0) {
      return {
        status: 'fail',
        summary: `below ${listSome(below.map((m) => `${m} ${settings[m]}%`))}: ${figures}; least covered: ${listSome(
          lowest.slice(0, 2).map((f) => `${f.file} (${f.lines}% lines)`),
        )}`,
        measurements,
        evidence,
      };
    }
    return { status: 'pass', summary: `${figures} (from ${source.from})`, measurements, evidence };
  },
};
