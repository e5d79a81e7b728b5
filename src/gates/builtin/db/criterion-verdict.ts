import type { Evidence, GateOutcome, GateStatus, Measurement } from '../../gate.ts';

/** One criterion of a gate that judges several (db.data-protection's encryption, access control). */
export interface CriterionVerdict {
  readonly status: Extract<GateStatus, 'pass' | 'warn' | 'fail'>;
  /** What the summary says of it. */
  readonly text: string;
  readonly measurements: Measurement[];
  readonly evidence: Evidence[];
}

const severity: Record<GateStatus, number> = { skip: 0, pass: 1, warn: 2, error: 3, fail: 4 };

/** `outcome` with `verdict` added: the worse status, both texts, measurements and evidence. */
export function withCriterion(outcome: GateOutcome, verdict: CriterionVerdict | undefined): GateOutcome {
  const status =
    verdict && severity[verdict.status] > severity[outcome.status] ? verdict.status : outcome.status;
  const evidence = [...(outcome.evidence ?? []), ...(verdict?.evidence ?? [])];
  return {
    ...outcome,
    status,
    summary: [outcome.summary, verdict?.text].filter(Boolean).join('; '),
    measurements: [...(outcome.measurements ?? []), ...(verdict?.measurements ?? [])],
    ...(evidence.length > 0 ? { evidence } : {}),
  };
}
