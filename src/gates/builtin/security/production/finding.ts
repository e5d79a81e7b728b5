import type { Evidence, GateOutcome, Measurement } from '../../../gate.ts';

/** One line of the scan's outcome: `note` informs, `warn` could not judge, `fail` names a culprit. */
export type FindingLevel = 'pass' | 'note' | 'warn' | 'fail';

export interface Finding {
  readonly level: FindingLevel;
  readonly text: string;
}

/** One of §3.3.1's success criteria, judged: its lines, measurements and evidence. */
export interface CriterionResult {
  readonly criterion: string;
  readonly findings: readonly Finding[];
  readonly measurements: readonly Measurement[];
  readonly evidence?: readonly Evidence[];
}

/** How a criterion stands: its worst line (a note is no caveat). */
export function criterionLevel(result: CriterionResult): 'pass' | 'warn' | 'fail' {
  if (result.findings.some((f) => f.level === 'fail')) return 'fail';
  if (result.findings.some((f) => f.level === 'warn')) return 'warn';
  return 'pass';
}

/**
 * The gate's outcome: fail when any criterion fails, warn when one could not be judged, pass only
 * when all were judged and met. The summary names the failures first, then the warnings.
 */
export function judgeProduction(results: readonly CriterionResult[]): GateOutcome {
  const lines = results.flatMap((r) => r.findings.map((f) => ({ ...f, criterion: r.criterion })));
  const failed = lines.filter((l) => l.level === 'fail');
  const warned = lines.filter((l) => l.level === 'warn');
  const status = failed.length > 0 ? 'fail' : warned.length > 0 ? 'warn' : 'pass';
  const summary =
    [...failed, ...warned].map((l) => `${l.criterion}: ${l.text}`).join('; ') ||
    `${String(results.length)} criteria met: ${results.map((r) => r.criterion).join(', ')}`;
  return {
    status,
    summary,
    measurements: results.flatMap((r) => r.measurements),
    evidence: [
      {
        kind: 'rows',
        title: 'findings',
        content: lines.map((l) => ({ criterion: l.criterion, level: l.level, finding: l.text })),
      },
      ...results.flatMap((r) => r.evidence ?? []),
    ],
  };
}
