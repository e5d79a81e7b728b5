import { measure, listSome, plural } from '../../support/outcome.ts';
import type { CriterionResult } from './finding.ts';

export const vulnerabilitiesCriterion = 'no new vulnerabilities';

/** One recorded result of `security.dependencies`, as hermes_ops.gate_results holds it. */
export interface DependencyResult {
  runId: string;
  startedAt: Date;
  outcomeStatus: string;
  evidence: unknown;
}

export interface DependencyFindings {
  /** Whether the run consulted an advisory source (its `advisory source` evidence). */
  consulted: boolean;
  /** High, critical and unknown-severity (counted as high) advisory ids, each with its package. */
  blocking: string[];
}

const blockingSeverities = new Set(['high', 'critical', 'unknown']);

/** What security.dependencies recorded: its `advisory source` text and `vulnerabilities` rows. */
export function dependencyFindings(result: DependencyResult): DependencyFindings {
  const evidence = Array.isArray(result.evidence) ? (result.evidence as unknown[]) : [];
  const titled = (title: string) =>
    evidence.find(
      (e): e is { content: unknown } =>
        typeof e === 'object' && e !== null && (e as { title?: unknown }).title === title,
    );
  const consulted = result.outcomeStatus !== 'error' && titled('advisory source') !== undefined;
  const rows = titled('vulnerabilities')?.content;
  const blocking = (Array.isArray(rows) ? (rows as unknown[]) : [])
    .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null)
    .filter((r) => blockingSeverities.has(String(r.severity)))
    .map((r) => `${String(r.id)} (${String(r.package)})`);
  return { consulted, blocking: [...new Set(blocking)].sort() };
}

/** Which results are compared, in words for the findings. */
export interface ComparisonScope {
  /** Whose result is judged: `deployment 1.2.0+abc`, or the latest run when none is recorded. */
  subject: string;
  /** What it is compared with (`deployment 1.1.0+def`, `the run before it`). */
  against: string;
  /** Why there is nothing to compare with, when the earlier result is missing. */
  noPrevious: string;
}

/**
 * This release's high/critical advisories against the previous one's: any new one fails, named.
 * Nothing to compare (a result missing, or a run that consulted no advisory source) warns.
 */
export function judgeVulnerabilities(
  current: DependencyResult | null,
  previous: DependencyResult | null,
  scope: ComparisonScope,
): CriterionResult {
  const unjudged = (text: string): CriterionResult => ({
    criterion: vulnerabilitiesCriterion,
    findings: [{ level: 'warn', text }],
    measurements: [],
  });
  if (current === null) return unjudged(`no recorded security.dependencies result for ${scope.subject}`);
  if (previous === null)
    return unjudged(`no earlier security.dependencies result to compare with: ${scope.noPrevious}`);
  const now = dependencyFindings(current);
  const before = dependencyFindings(previous);
  if (!now.consulted)
    return unjudged(
      `the latest security.dependencies run (${current.runId}) could not consult an advisory source`,
    );
  if (!before.consulted)
    return unjudged(
      `the earlier security.dependencies run (${previous.runId}) could not consult an advisory source`,
    );
  const added = now.blocking.filter((id) => !before.blocking.includes(id));
  return {
    criterion: vulnerabilitiesCriterion,
    findings: [
      added.length > 0
        ? {
            level: 'fail',
            text: `${plural(added.length, 'new high/critical vulnerability', 'new high/critical vulnerabilities')}: ${listSome(added)}`,
          }
        : {
            level: 'pass',
            text: `no new high/critical vulnerability (${String(now.blocking.length)} now, ${String(before.blocking.length)} before; ${scope.subject} against ${scope.against})`,
          },
    ],
    measurements: [
      measure('new high/critical vulnerabilities', added.length, 'count', 0, '=='),
      measure('high/critical vulnerabilities', now.blocking.length, 'count'),
    ],
    evidence: [
      {
        kind: 'rows',
        title: 'compared security.dependencies runs',
        content: [
          {
            run: current.runId,
            started: current.startedAt.toISOString(),
            blocking: now.blocking.join(', '),
            new: added.join(', '),
          },
          {
            run: previous.runId,
            started: previous.startedAt.toISOString(),
            blocking: before.blocking.join(', '),
            new: '',
          },
        ],
      },
    ],
  };
}
