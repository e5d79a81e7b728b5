import type { BuildEnvironmentSettings } from '../../../config/sections/build-thresholds.ts';
import type { BuildReport } from '../../../deploy/build/run-build.ts';
import type { BuildStamp } from '../../../runtime/build-stamp.ts';
import type { Evidence, GateOutcome } from '../../gate.ts';
import { listSome, measure, plural } from '../support/outcome.ts';

/** What the built directory shows, found by reading it and by running the bundle. */
export interface BuildObservation {
  /** A .map file beside the bundle and the comment pointing to it. */
  readonly sourcemap: boolean;
  readonly minified: boolean;
  /** What the bundle says it was built as (`config print --json`); null when it could not say. */
  readonly stamp: BuildStamp | null;
  /** The `log.level` the bundle starts with when nothing configures it. */
  readonly logLevel: string | null;
  /** Why the bundle could not be run, when it could not. */
  readonly runProblem: string | null;
}

/**
 * esbuild's minified output keeps a newline only where a string needs one; readable output
 * averages well under a hundred characters a line.
 */
export function looksMinified(code: string): boolean {
  const lines = code.split('\n').length;
  return code.length / lines > 200;
}

export const kilobytes = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

// A type, not an interface: it is an evidence row (a Record) as it is.
type Check = {
  check: string;
  expected: string;
  observed: string;
};

const yesNo = (value: boolean, yes: string, no: string): string => (value ? yes : no);

/** The environment-specific properties (§2.1.1 "builds differ correctly"), each expected vs seen. */
export function environmentChecks(
  environment: string,
  version: string,
  settings: BuildEnvironmentSettings,
  observed: BuildObservation,
): Check[] {
  return [
    { check: 'environment', expected: environment, observed: observed.stamp?.environment ?? 'none' },
    { check: 'version', expected: version, observed: observed.stamp?.version ?? 'none' },
    {
      check: 'source maps',
      expected: yesNo(settings.sourcemap, 'present', 'none'),
      observed: yesNo(observed.sourcemap, 'present', 'none'),
    },
    {
      check: 'minified',
      expected: yesNo(settings.minify, 'yes', 'no'),
      observed: yesNo(observed.minified, 'yes', 'no'),
    },
    { check: 'default log level', expected: settings.logLevel, observed: observed.logLevel ?? 'unknown' },
  ];
}

function firstOf(kind: string, lines: readonly string[]): string {
  return `${plural(lines.length, kind)} (first: ${lines[0] ?? ''})`;
}

/**
 * §2.1.1 for one environment: the build completed, with no warnings and no errors, within its
 * size budget, and shows its environment's configured properties.
 */
export function judgeBuild(
  report: BuildReport,
  settings: BuildEnvironmentSettings,
  /** null: not inspected, because the build failed. */
  observed: BuildObservation | null,
  version: string,
): GateOutcome {
  const name = `${report.environment} build`;
  const sizeKb = kilobytes(report.bundleBytes);
  const measurements = [
    measure('build errors', report.errors.length, 'count', 0, '=='),
    measure('build warnings', report.warnings.length, 'count', 0, '=='),
    measure('bundle size', sizeKb, 'KB', settings.maxSizeKb, '<='),
    measure('build time', report.durationMs, 'ms'),
  ];
  const evidence: Evidence[] = [];
  const messages = [...report.errors, ...report.warnings];
  if (messages.length > 0) evidence.push({ kind: 'output', title: 'esbuild', content: messages.join('\n') });
  if (report.errors.length > 0 || !observed) {
    return {
      status: 'fail',
      summary: `${name} failed: ${firstOf('error', report.errors.length > 0 ? report.errors : ['not inspected'])}`,
      measurements,
      evidence,
    };
  }
  const checks = environmentChecks(report.environment, version, settings, observed);
  evidence.push({ kind: 'rows', title: 'environment-specific properties', content: checks });
  const problems: string[] = [];
  if (report.warnings.length > 0) problems.push(firstOf('warning', report.warnings));
  if (sizeKb > settings.maxSizeKb)
    problems.push(`bundle ${sizeKb} KB over its ${settings.maxSizeKb} KB budget`);
  if (observed.runProblem) problems.push(`the bundle does not run: ${observed.runProblem}`);
  const wrong = checks.filter((c) => c.expected !== c.observed);
  if (wrong.length > 0) {
    problems.push(listSome(wrong.map((c) => `${c.check} ${c.observed}, expected ${c.expected}`)));
  }
  if (problems.length > 0)
    return { status: 'fail', summary: `${name}: ${problems.join('; ')}`, measurements, evidence };
  const properties = checks
    .filter((c) => c.check !== 'version' && c.check !== 'environment')
    .map((c) => `${c.check} ${c.observed}`)
    .join(', ');
  return {
    status: 'pass',
    summary: `${name}: ${sizeKb} KB of ${settings.maxSizeKb} KB, 0 warnings; ${properties}`,
    measurements,
    evidence,
  };
}
