import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { GateOutcome, Measurement } from '../../../src/gates/gate.ts';
import { coverageGate } from '../../../src/gates/builtin/tests/coverage.ts';
import { gateContext, makeProject } from './support/gate-context.ts';

// tests.coverage in `read` mode on a json-summary written here: its keys are absolute paths, as
// vitest writes them, so the gate must make them relative to the repository before matching globs.

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Figures = { lines: number; branches: number; statements?: number; functions?: number };
const metric = (pct: number) => ({ total: 100, covered: pct, skipped: 0, pct });
const entry = (f: Figures) => ({
  lines: metric(f.lines),
  statements: metric(f.statements ?? f.lines),
  functions: metric(f.functions ?? f.lines),
  branches: metric(f.branches),
});

/** A project whose coverage summary has these totals and files (paths relative to it). */
function projectWith(total: Figures, files: Record<string, Figures>): string {
  const { dir } = makeProject({});
  dirs.push(dir);
  const summary = {
    total: entry(total),
    ...Object.fromEntries(Object.entries(files).map(([path, f]) => [join(dir, path), entry(f)])),
  };
  mkdirSync(join(dir, 'coverage'));
  writeFileSync(join(dir, 'coverage', 'coverage-summary.json'), JSON.stringify(summary));
  return dir;
}

async function judge(cwd: string, coverage: Record<string, unknown>): Promise<GateOutcome> {
  const config = { gates: { thresholds: { tests: { coverage: { mode: 'read', ...coverage } } } } };
  return coverageGate.run(gateContext({ cwd, config }));
}

const row = (outcome: GateOutcome, name: string): Measurement | undefined =>
  outcome.measurements?.find((m) => m.name === name);

describe('tests.coverage: criticalPaths', () => {
  const totals = { lines: 92, branches: 91 };
  const files = {
    'src/leads/record-lead.ts': { lines: 100, branches: 80 },
    'src/leads/validate-lead.ts': { lines: 98, branches: 96 },
    'src/cli/main.ts': { lines: 20, branches: 10 },
  };

  it('fails when a critical file falls short although the totals pass, naming it with its figures', async () => {
    const outcome = await judge(projectWith(totals, files), { criticalPaths: ['src/leads/**'] });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'critical files below lines 95%, branches 95%: src/leads/record-lead.ts (lines 100%, branches 80%); totals lines 92%, statements 92%, functions 92%, branches 91%',
    );
    expect(row(outcome, 'lines coverage')).toMatchObject({ value: 92, threshold: 90, passed: true });
    expect(row(outcome, 'critical branches coverage: src/leads/record-lead.ts')).toEqual({
      name: 'critical branches coverage: src/leads/record-lead.ts',
      value: 80,
      unit: '%',
      threshold: 95,
      comparison: '>=',
      passed: false,
    });
    expect(row(outcome, 'critical lines coverage: src/leads/record-lead.ts')).toMatchObject({
      value: 100,
      passed: true,
    });
    expect(row(outcome, 'critical branches coverage: src/leads/validate-lead.ts')).toMatchObject({
      value: 96,
      passed: true,
    });
    // Not critical: src/cli/main.ts is judged only through the totals.
    expect(outcome.measurements?.filter((m) => m.name.includes('src/cli/'))).toEqual([]);
    const table = outcome.evidence?.find((e) => e.title.startsWith('critical files'));
    expect(table?.content).toEqual([
      {
        file: 'src/leads/record-lead.ts',
        glob: 'src/leads/**',
        lines: 100,
        branches: 80,
        verdict: 'below on branches',
      },
      { file: 'src/leads/validate-lead.ts', glob: 'src/leads/**', lines: 98, branches: 96, verdict: 'ok' },
    ]);
  });

  it('passes when every critical file reaches its thresholds, and reports their figures', async () => {
    const outcome = await judge(projectWith(totals, files), {
      criticalPaths: ['src/leads/**'],
      critical: { lines: 95, branches: 80 },
    });
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      'lines 92%, statements 92%, functions 92%, branches 91%; critical paths: 2 files at or above lines 95%, branches 80% (from coverage/coverage-summary.json)',
    );
    expect(row(outcome, 'critical branches coverage: src/leads/record-lead.ts')).toMatchObject({
      value: 80,
      threshold: 80,
      passed: true,
    });
    expect(outcome.measurements?.filter((m) => m.name.startsWith('critical '))).toHaveLength(4);
  });

  it('fails on a glob that matches no covered file (a typo must not pass)', async () => {
    const outcome = await judge(projectWith(totals, files), {
      criticalPaths: ['src/leads/validate-lead.ts', 'src/lead/record-lead.ts'],
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^critical path "src\/lead\/record-lead\.ts" matches no covered file; totals /,
    );
    expect(row(outcome, 'critical path src/lead/record-lead.ts: covered files')).toMatchObject({
      value: 0,
      threshold: 1,
      passed: false,
    });
    expect(row(outcome, 'critical lines coverage: src/leads/validate-lead.ts')).toMatchObject({
      passed: true,
    });
  });

  it('names both the totals below their minimum and the critical files', async () => {
    const outcome = await judge(projectWith({ lines: 80, branches: 95 }, files), {
      criticalPaths: ['src/cli/main.ts'],
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^below lines 90%, statements 90%, functions 90%: lines 80%, .*; critical files below lines 95%, branches 95%: src\/cli\/main\.ts \(lines 20%, branches 10%\)$/,
    );
    expect(row(outcome, 'lines coverage')).toMatchObject({ value: 80, threshold: 90, passed: false });
    expect(row(outcome, 'branches coverage')).toMatchObject({ value: 95, threshold: 90, passed: true });
  });

  it('without criticalPaths judges the totals alone, as before', async () => {
    const outcome = await judge(projectWith(totals, files), {});
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      'lines 92%, statements 92%, functions 92%, branches 91% (from coverage/coverage-summary.json)',
    );
    expect(outcome.measurements?.map((m) => m.name)).toEqual([
      'lines coverage',
      'statements coverage',
      'functions coverage',
      'branches coverage',
    ]);
    expect(outcome.evidence?.map((e) => e.title)).toEqual([
      'least covered files (from coverage/coverage-summary.json)',
    ]);
  });
});

describe('gates.thresholds.tests.coverage.criticalPaths and critical in hermes.yaml', () => {
  function problems(yaml: string): readonly string[] {
    const project = makeProject({ 'hermes.yaml': yaml });
    dirs.push(project.dir);
    try {
      loadConfig({ cwd: project.dir, env: {} });
    } catch (error) {
      if (error instanceof Error && 'details' in error) return error.details as readonly string[];
      throw error;
    }
    return [];
  }
  const coverage = (body: string) => `gates:\n  thresholds:\n    tests:\n      coverage:\n${body}`;

  it('default to no critical path and 95% lines and branches', () => {
    const project = makeProject({});
    dirs.push(project.dir);
    const config = loadConfig({ cwd: project.dir, env: {} }).config;
    expect(config.gates.thresholds.tests.coverage).toMatchObject({
      criticalPaths: [],
      critical: { lines: 95, branches: 95 },
    });
  });

  it.each([
    ['src/[leads/**', /unbalanced|Missing closing/],
    ['/work/main/src/leads/**', /relative to the repository root/],
    ['../other/src/**', /inside the repository/],
  ])('refuse the glob %j, naming the key', (glob, why) => {
    const found = problems(coverage(`        criticalPaths: ['src/intake/**', '${glob}']\n`));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^gates\.thresholds\.tests\.coverage\.criticalPaths\.1: /);
    expect(found[0]).toMatch(why);
  });

  it('refuse a critical threshold outside 0–100, naming the key', () => {
    const found = problems(coverage('        critical: { lines: 120 }\n'));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^gates\.thresholds\.tests\.coverage\.critical\.lines: expected number <= 100, got 120 \(from \/.*hermes\.yaml\)$/,
    );
  });
});
