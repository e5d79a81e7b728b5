import type { Evidence, GateStatus, Measurement, Stage } from './gate.ts';

/** One gate's result within a run, as reported and recorded. */
export interface GateResult {
  id: string;
  title: string;
  stage: Stage;
  spec?: string;
  /** The status that counts: the gate's own, after `errorAs` and advisory (fail → warn). */
  status: GateStatus;
  /** What the gate itself returned (or `skip`/`error` given by the runner). */
  outcomeStatus: GateStatus;
  /** A blocking gate's fail or error fails the run; an advisory one never does. */
  blocking: boolean;
  summary: string;
  reason?: string;
  measurements: Measurement[];
  evidence: Evidence[];
  dependsOn: string[];
  /** ISO time the gate started; null when it never ran (skipped by the runner). */
  startedAt: string | null;
  durationMs: number;
  timeoutMs: number;
}

export type RunStatus = 'passed' | 'failed' | 'error';

/** 0 all passed (warnings allowed), 1 a blocking gate failed, 2 Hermes could not run. */
export type RunExitCode = 0 | 1 | 2;

export type RunCounts = Record<GateStatus, number> & { total: number };

/** One stage run: the object every report format and the history are written from. */
export interface StageRun {
  id: string;
  stage: Stage;
  status: RunStatus;
  exitCode: RunExitCode;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  counts: RunCounts;
  results: GateResult[];
  /** `--only`, when given. */
  only: string[] | null;
  environment: string;
  hermesVersion: string;
  host: string;
  /** Run-level problems, e.g. the database being unreachable. */
  notes: string[];
  history: { recorded: boolean; reason?: string };
}

export function countResults(results: readonly GateResult[]): RunCounts {
  const counts: RunCounts = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0, total: results.length };
  for (const result of results) counts[result.status] += 1;
  return counts;
}
