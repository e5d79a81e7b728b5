import { describe, expect, it } from 'vitest';
import { chooseResultsSource } from '../../../src/gates/builtin/tests/results-source.ts';
import { sharedRunProjects } from '../../../src/gates/builtin/tests/shared-test-run.ts';
import { restrictReport, type VitestReport } from '../../../src/gates/builtin/tests/vitest-run.ts';
import { createStageMemo } from '../../../src/gates/runner/stage-memo.ts';

describe('the stage memo behind GateContext.shared', () => {
  it('starts the work once per key and hands every caller the same promise', async () => {
    const shared = createStageMemo();
    let started = 0;
    const make = () => {
      started += 1;
      return Promise.resolve(started);
    };
    const [a, b] = await Promise.all([shared('run', make), shared('run', make)]);
    expect([a, b, started]).toEqual([1, 1, 1]);
    expect(await shared('other', make)).toBe(2);
  });
});

describe('which results tests.integration judges', () => {
  const state = { mode: 'auto' as const, parsed: true, fresh: true, missing: [] };
  it('auto reads a fresh, complete file and runs otherwise, saying why', () => {
    expect(chooseResultsSource(state)).toEqual({ kind: 'read' });
    expect(chooseResultsSource({ ...state, parsed: false })).toEqual({ kind: 'run', why: 'no results file' });
    expect(chooseResultsSource({ ...state, fresh: false })).toEqual({
      kind: 'run',
      why: 'the results file is older than the sources',
    });
    expect(chooseResultsSource({ ...state, missing: ['int/a.test.js'] })).toEqual({
      kind: 'run',
      why: 'the results file lacks 1 test files',
    });
  });
  it('read and run force one or the other', () => {
    expect(chooseResultsSource({ ...state, mode: 'read', fresh: false })).toEqual({ kind: 'read' });
    expect(chooseResultsSource({ ...state, mode: 'run' })).toEqual({ kind: 'run', why: 'mode run' });
  });
});

describe('the shared run', () => {
  it('runs the integration project and the coverage projects vitest knows, once each', () => {
    const known = new Set(['unit', 'integration', 'chaos']);
    expect(sharedRunProjects({ project: 'integration' }, ['unit', 'integration'], known)).toEqual([
      'integration',
      'unit',
    ]);
    expect(sharedRunProjects({ project: 'integration' }, ['unit', 'e2e'], new Set(['unit']))).toEqual([
      'unit',
    ]);
    expect(sharedRunProjects({ project: 'integration', command: ['jest'] }, ['unit'], known)).toEqual([
      'unit',
    ]);
  });

  it('is judged for one project: other files and their counts are left out', () => {
    const file = (name: string, statuses: string[]) => ({
      name,
      assertionResults: statuses.map((status, i) => ({ fullName: `t${String(i)}`, status })),
    });
    const report: VitestReport = {
      numTotalTests: 5,
      numPassedTests: 2,
      numFailedTests: 2,
      numPendingTests: 1,
      numTodoTests: 0,
      testResults: [
        file('/p/unit/a.test.js', ['failed', 'failed']),
        file('/p/int/b.test.js', ['passed', 'passed', 'skipped']),
      ],
    };
    const restricted = restrictReport(report, new Set(['/p/int/b.test.js']));
    expect(restricted).toMatchObject({
      numTotalTests: 3,
      numPassedTests: 2,
      numFailedTests: 0,
      numPendingTests: 1,
      numTodoTests: 0,
    });
    expect(restricted.testResults.map((f) => f.name)).toEqual(['/p/int/b.test.js']);
  });
});
