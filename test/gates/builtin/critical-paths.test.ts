import { describe, expect, it } from 'vitest';
import {
  coveredFiles,
  criticalEvidence,
  criticalFigures,
  criticalMeasurements,
  criticalProblems,
  judgeCriticalPaths,
  type CoveredFile,
} from '../../../src/gates/builtin/tests/critical-paths.ts';

const thresholds = { lines: 95, branches: 95 };
const file = (path: string, lines: number, branches: number): CoveredFile => ({
  file: path,
  lines,
  branches,
});

const files = [
  file('src/leads/validate-lead.ts', 100, 96),
  file('src/leads/record-lead.ts', 94.5, 100),
  file('src/delivery/delivery-worker.ts', 97, 80),
  file('src/cli/main.ts', 10, 0),
];

describe('judgeCriticalPaths', () => {
  it('judges only the files a glob matches, each metric against its own threshold', () => {
    const verdict = judgeCriticalPaths(
      files,
      ['src/leads/**', 'src/delivery/delivery-worker.ts'],
      thresholds,
    );
    expect(verdict.unmatched).toEqual([]);
    // src/cli/main.ts (10 %) is not critical: it is not judged at all.
    expect(verdict.files).toEqual([
      { ...files[2], glob: 'src/delivery/delivery-worker.ts', short: ['branches'] },
      { ...files[1], glob: 'src/leads/**', short: ['lines'] },
      { ...files[0], glob: 'src/leads/**', short: [] },
    ]);
  });

  it('passes a file exactly at the threshold and fails one just under it', () => {
    const verdict = judgeCriticalPaths(
      [file('src/a.ts', 95, 95), file('src/b.ts', 94.99, 95)],
      ['src/*.ts'],
      thresholds,
    );
    expect(verdict.files.map((f) => [f.file, f.short])).toEqual([
      ['src/a.ts', []],
      ['src/b.ts', ['lines']],
    ]);
  });

  it('names each glob that matches no file of the summary (a typo must not pass)', () => {
    const verdict = judgeCriticalPaths(
      files,
      ['src/leads/**', 'src/lead/**', 'src/migrations/migrator.ts'],
      thresholds,
    );
    expect(verdict.unmatched).toEqual(['src/lead/**', 'src/migrations/migrator.ts']);
    expect(verdict.files.map((f) => f.file)).toEqual([
      'src/leads/record-lead.ts',
      'src/leads/validate-lead.ts',
    ]);
  });

  it('counts a file matched by two globs once, under the first', () => {
    const verdict = judgeCriticalPaths(files, ['src/leads/record-lead.ts', 'src/leads/**'], thresholds);
    expect(verdict.files.map((f) => [f.file, f.glob])).toEqual([
      ['src/leads/record-lead.ts', 'src/leads/record-lead.ts'],
      ['src/leads/validate-lead.ts', 'src/leads/**'],
    ]);
    expect(verdict.unmatched).toEqual([]);
  });
});

describe('coveredFiles', () => {
  it("is the summary's files relative to the repository, without the total, Unknown as 100", () => {
    const metric = (pct: number | 'Unknown') => ({ total: 10, covered: 5, pct });
    const entry = (lines: number | 'Unknown', branches: number | 'Unknown') => ({
      lines: metric(lines),
      statements: metric(50),
      functions: metric(50),
      branches: metric(branches),
    });
    expect(coveredFiles({ total: entry(50, 50), '/repo/src/a.ts': entry(80, 'Unknown') }, '/repo')).toEqual([
      { file: 'src/a.ts', lines: 80, branches: 100 },
    ]);
  });
});

describe('what the gate reports of a verdict', () => {
  const verdict = judgeCriticalPaths(
    files,
    ['src/leads/**', 'src/delivery/delivery-worker.ts', 'src/intake/plugins/contact.ts'],
    thresholds,
  );

  it('summary: each file short of a threshold with its figures, and the glob matching nothing', () => {
    expect(criticalProblems(verdict)).toEqual([
      'critical files below lines 95%, branches 95%: src/delivery/delivery-worker.ts (lines 97%, branches 80%), src/leads/record-lead.ts (lines 94.5%, branches 100%)',
      'critical path "src/intake/plugins/contact.ts" matches no covered file',
    ]);
  });

  it('summary: a bounded list when many files fall short', () => {
    const many = ['a', 'b', 'c', 'd', 'e'].map((n) => file(`src/${n}.ts`, 50, 50));
    const [problem] = criticalProblems(judgeCriticalPaths(many, ['src/**'], thresholds));
    expect(problem).toBe(
      'critical files below lines 95%, branches 95%: src/a.ts (lines 50%, branches 50%), src/b.ts (lines 50%, branches 50%), src/c.ts (lines 50%, branches 50%) and 2 more',
    );
  });

  it('no problem and a passing figure when every critical file reaches both thresholds', () => {
    const passing = judgeCriticalPaths(files, ['src/leads/validate-lead.ts'], thresholds);
    expect(criticalProblems(passing)).toEqual([]);
    expect(criticalFigures(passing)).toBe('critical paths: 1 file at or above lines 95%, branches 95%');
  });

  it('measurements: one row per critical file and metric, and a row of 0 files per unmatched glob', () => {
    expect(criticalMeasurements(verdict)).toEqual([
      {
        name: 'critical path src/intake/plugins/contact.ts: covered files',
        value: 0,
        unit: 'count',
        threshold: 1,
        comparison: '>=',
        passed: false,
      },
      ...[
        ['lines', 'src/delivery/delivery-worker.ts', 97, true],
        ['branches', 'src/delivery/delivery-worker.ts', 80, false],
        ['lines', 'src/leads/record-lead.ts', 94.5, false],
        ['branches', 'src/leads/record-lead.ts', 100, true],
        ['lines', 'src/leads/validate-lead.ts', 100, true],
        ['branches', 'src/leads/validate-lead.ts', 96, true],
      ].map(([metric, path, value, passed]) => ({
        name: `critical ${String(metric)} coverage: ${String(path)}`,
        value,
        unit: '%',
        threshold: 95,
        comparison: '>=',
        passed,
      })),
    ]);
  });

  it('evidence: a table of the critical files and the globs matching nothing', () => {
    expect(criticalEvidence(verdict)).toEqual({
      kind: 'rows',
      title: 'critical files (each needs lines 95%, branches 95%)',
      content: [
        {
          file: 'src/delivery/delivery-worker.ts',
          glob: 'src/delivery/delivery-worker.ts',
          lines: 97,
          branches: 80,
          verdict: 'below on branches',
        },
        {
          file: 'src/leads/record-lead.ts',
          glob: 'src/leads/**',
          lines: 94.5,
          branches: 100,
          verdict: 'below on lines',
        },
        { file: 'src/leads/validate-lead.ts', glob: 'src/leads/**', lines: 100, branches: 96, verdict: 'ok' },
        {
          file: null,
          glob: 'src/intake/plugins/contact.ts',
          lines: null,
          branches: null,
          verdict: 'matches no covered file',
        },
      ],
    });
  });
});
