import { describe, expect, it } from 'vitest';
import { failedStep, gateTally, missingStep } from '../../../src/deploy/pipeline/stage-verdict.ts';
import type { GateStatus } from '../../../src/gates/gate.ts';
import { countResults, type GateResult, type StageRun } from '../../../src/gates/stage-run-result.ts';

function result(id: string, status: GateStatus, extra: Partial<GateResult> = {}): GateResult {
  return {
    id,
    title: id,
    stage: 'deploy',
    status,
    outcomeStatus: status,
    blocking: true,
    summary: `${id} said ${status}`,
    measurements: [],
    evidence: [],
    dependsOn: [],
    startedAt: null,
    durationMs: 1,
    timeoutMs: 1_000,
    ...extra,
  };
}

function run(results: GateResult[], exitCode: 0 | 1 | 2, notes: string[] = []): StageRun {
  return {
    id: 'run-1',
    stage: 'deploy',
    status: exitCode === 0 ? 'passed' : exitCode === 1 ? 'failed' : 'error',
    exitCode,
    startedAt: '',
    finishedAt: '',
    durationMs: 1,
    counts: countResults(results),
    results,
    only: null,
    environment: 'test',
    hermesVersion: '0.0.0',
    host: 'h',
    notes,
    history: { recorded: false },
  };
}

const order = ['a', 'b', 'c'];

describe('failedStep', () => {
  it('is null for a run that passed', () => {
    expect(failedStep(run([result('a', 'pass'), result('b', 'warn')], 0), order)).toBeNull();
  });

  it('names the earliest step of the pipeline that failed, not the first in the results', () => {
    const failed = run(
      [result('c', 'fail'), result('b', 'error', { reason: 'no database' }), result('a', 'pass')],
      1,
    );
    expect(failedStep(failed, order)).toEqual({ step: 'b', reason: 'b said error: no database' });
  });

  it('puts a gate outside the order (a custom one) after the steps, and ignores advisory failures', () => {
    const failed = run([result('custom.x', 'fail'), result('a', 'fail', { blocking: false })], 1);
    expect(failedStep(failed, order)).toEqual({ step: 'custom.x', reason: 'custom.x said fail' });
  });

  it('names the stage and its note when no gate is to blame (the database unreachable)', () => {
    expect(failedStep(run([], 2, ['database unreachable']), order)).toEqual({
      step: 'deploy',
      reason: 'database unreachable',
    });
    expect(failedStep(run([], 1), order)?.reason).toBe('the deploy stage did not pass');
  });
});

describe('missingStep', () => {
  it('is null when every required step passed or warned', () => {
    expect(missingStep(run([result('a', 'pass'), result('b', 'warn')], 0), ['a', 'b'])).toBeNull();
  });

  it('names a step that did not run at all (disabled)', () => {
    expect(missingStep(run([result('a', 'pass')], 0), ['a', 'b'])?.step).toBe('b');
  });

  it('names a step that was skipped, with why', () => {
    const skipped = run([result('a', 'pass'), result('b', 'skip', { reason: 'depends on a' })], 0);
    expect(missingStep(skipped, ['a', 'b'])).toEqual({ step: 'b', reason: 'b was skipped: depends on a' });
  });
});

describe('gateTally', () => {
  it('counts passes and warnings as passed, over every stage run', () => {
    const first = run([result('a', 'pass'), result('b', 'warn'), result('c', 'skip')], 0);
    const second = run([result('d', 'fail'), result('e', 'pass')], 1);
    expect(gateTally([first, second])).toEqual({ passed: 3, total: 5 });
  });
});
