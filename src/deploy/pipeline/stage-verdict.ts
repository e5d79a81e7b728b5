import type { StageRun } from '../../gates/stage-run-result.ts';

export interface StepFailure {
  step: string;
  reason: string;
}

/**
 * The step that stopped a stage run: the first blocking gate that failed or could not judge, in
 * the order of `order` (then any other gate); null when the run passed.
 */
export function failedStep(run: StageRun, order: readonly string[]): StepFailure | null {
  if (run.exitCode === 0) return null;
  const blocked = run.results.filter((r) => r.blocking && (r.status === 'fail' || r.status === 'error'));
  const rank = (id: string) => {
    const index = order.indexOf(id);
    return index === -1 ? order.length : index;
  };
  const [first] = [...blocked].sort((a, b) => rank(a.id) - rank(b.id));
  if (!first) return { step: run.stage, reason: run.notes[0] ?? `the ${run.stage} stage did not pass` };
  return {
    step: first.id,
    reason: first.reason === undefined ? first.summary : `${first.summary}: ${first.reason}`,
  };
}

/** Gates passed (warnings count: met with a caveat) and run, over a deployment's stage runs. */
export function gateTally(runs: readonly StageRun[]): { passed: number; total: number } {
  let passed = 0;
  let total = 0;
  for (const run of runs) {
    passed += run.counts.pass + run.counts.warn;
    total += run.counts.total;
  }
  return { passed, total };
}

/**
 * A required step that did not pass or warn: not run at all (disabled, its dependency not met) or
 * skipped. A deployment whose steps were not all judged must not count as a success.
 */
export function missingStep(run: StageRun, required: readonly string[]): StepFailure | null {
  for (const step of required) {
    const result = run.results.find((r) => r.id === step);
    if (!result) return { step, reason: `${step} did not run (disabled in gates.overrides?)` };
    if (result.status === 'skip')
      return { step, reason: `${step} was skipped: ${result.reason ?? result.summary}` };
  }
  return null;
}
