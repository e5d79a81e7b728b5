import { relative, sep } from 'node:path';
import picomatch from 'picomatch';
import type { Evidence, Measurement } from '../../gate.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import type { CoverageSummary } from './shared-test-run.ts';

/**
 * §1.2.1 "All critical paths covered": the files matching `criticalPaths` are each judged on their
 * own lines and branches, so that a well-covered repository cannot hide an untested critical file.
 */

export const criticalMetrics = ['lines', 'branches'] as const;
export type CriticalMetric = (typeof criticalMetrics)[number];
export type CriticalThresholds = Readonly<Record<CriticalMetric, number>>;

/** One file of the summary: its path relative to the repository, with `/` separators. */
// A type, not an interface: it is an evidence row (a Record) as it is.
export type CoveredFile = {
  file: string;
  lines: number;
  branches: number;
};

export interface CriticalFile extends CoveredFile {
  /** The first critical glob it matches. */
  glob: string;
  /** Its metrics below their critical threshold (none: the file passes). */
  short: CriticalMetric[];
}

export interface CriticalVerdict {
  thresholds: CriticalThresholds;
  /** Every file of the summary some critical glob matches, by path. */
  files: CriticalFile[];
  /** Globs matching no file of the summary: a typo or a renamed file must not pass. */
  unmatched: string[];
}

/** "Unknown" (nothing to count, e.g. a file without branches) is nothing uncovered. */
export function percentOf(value: number | 'Unknown'): number {
  return value === 'Unknown' ? 100 : value;
}

/** The summary's files (not `total`), relative to `cwd`. */
export function coveredFiles(summary: CoverageSummary, cwd: string): CoveredFile[] {
  return Object.entries(summary)
    .filter(([file]) => file !== 'total')
    .map(([file, s]) => ({
      file: relative(cwd, file).split(sep).join('/'),
      lines: percentOf(s.lines.pct),
      branches: percentOf(s.branches.pct),
    }));
}

export function judgeCriticalPaths(
  files: readonly CoveredFile[],
  globs: readonly string[],
  thresholds: CriticalThresholds,
): CriticalVerdict {
  const matchers = globs.map((glob) => ({ glob, matches: picomatch(glob, { dot: true }) }));
  const critical = files.flatMap((file): CriticalFile[] => {
    const hit = matchers.find((m) => m.matches(file.file));
    if (!hit) return [];
    const short = criticalMetrics.filter((m) => file[m] < thresholds[m]);
    return [{ ...file, glob: hit.glob, short }];
  });
  const unmatched = matchers.filter((m) => !files.some((f) => m.matches(f.file))).map((m) => m.glob);
  return { thresholds, files: critical.sort((a, b) => a.file.localeCompare(b.file)), unmatched };
}

function thresholdText(thresholds: CriticalThresholds): string {
  return criticalMetrics.map((m) => `${m} ${thresholds[m]}%`).join(', ');
}

function figuresOf(file: CoveredFile): string {
  return `${file.file} (${criticalMetrics.map((m) => `${m} ${file[m]}%`).join(', ')})`;
}

/** Summary fragments naming what fails: files below their thresholds, globs matching nothing. */
export function criticalProblems(verdict: CriticalVerdict): string[] {
  const short = verdict.files.filter((f) => f.short.length > 0);
  const problems: string[] = [];
  if (short.length > 0)
    problems.push(
      `critical files below ${thresholdText(verdict.thresholds)}: ${listSome(short.map(figuresOf))}`,
    );
  if (verdict.unmatched.length > 0) {
    const globs = listSome(verdict.unmatched.map((g) => `"${g}"`));
    const verb = verdict.unmatched.length === 1 ? 'path' : 'paths';
    problems.push(
      `critical ${verb} ${globs} ${verdict.unmatched.length === 1 ? 'matches' : 'match'} no covered file`,
    );
  }
  return problems;
}

/** The summary fragment when every critical file passes. */
export function criticalFigures(verdict: CriticalVerdict): string {
  return `critical paths: ${plural(verdict.files.length, 'file')} at or above ${thresholdText(verdict.thresholds)}`;
}

/** Per critical file one row per metric; a glob matching nothing is a row of 0 files. */
export function criticalMeasurements(verdict: CriticalVerdict): Measurement[] {
  return [
    ...verdict.unmatched.map((glob) => measure(`critical path ${glob}: covered files`, 0, 'count', 1, '>=')),
    ...verdict.files.flatMap((f) =>
      criticalMetrics.map((m) =>
        measure(`critical ${m} coverage: ${f.file}`, f[m], '%', verdict.thresholds[m], '>='),
      ),
    ),
  ];
}

export function criticalEvidence(verdict: CriticalVerdict): Evidence {
  const rows = [
    ...verdict.files.map((f) => ({
      file: f.file,
      glob: f.glob,
      lines: f.lines,
      branches: f.branches,
      verdict: f.short.length === 0 ? 'ok' : `below on ${f.short.join(' and ')}`,
    })),
    ...verdict.unmatched.map((glob) => ({
      file: null,
      glob,
      lines: null,
      branches: null,
      verdict: 'matches no covered file',
    })),
  ];
  return {
    kind: 'rows',
    title: `critical files (each needs ${thresholdText(verdict.thresholds)})`,
    content: rows,
  };
}
