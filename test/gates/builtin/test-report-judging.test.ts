import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeReport, notApplicable } from '../../../src/gates/builtin/tests/project-tests.ts';
import {
  failedTests,
  failureMessages,
  readReport,
  restrictReport,
  slowestFiles,
  type VitestReport,
} from '../../../src/gates/builtin/tests/vitest-run.ts';

// The pure half of the test gates: reading a Jest/vitest JSON report and judging it.
const cwd = '/repo';

interface FileResult {
  name: string;
  statuses?: string[];
  message?: string;
  ms?: [number, number];
  failure?: string;
}

/** A report of the given files, its counts taken from their tests as vitest writes them. */
function report(...files: FileResult[]): VitestReport {
  const testResults = files.map(({ name, statuses = [], message, ms, failure }) => ({
    name: `${cwd}/${name}`,
    ...(message === undefined ? {} : { message }),
    ...(ms ? { startTime: ms[0], endTime: ms[1] } : {}),
    assertionResults: statuses.map((status, i) => ({
      fullName: `test ${String(i + 1)}`,
      status,
      ...(failure !== undefined && status === 'failed' ? { failureMessages: [failure] } : {}),
    })),
  }));
  const all = testResults.flatMap((file) => file.assertionResults.map((a) => a.status));
  const count = (status: string) => all.filter((s) => s === status).length;
  return {
    numTotalTests: all.length,
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('skipped'),
    numTodoTests: count('todo'),
    testResults,
  };
}

const limits = { project: 'unit', passRate: 100 };
const passes = (n: number) => Array.from({ length: n }, () => 'passed');

describe('judgeReport', () => {
  it('fails a report in which no test ran, naming its source, with a pass rate of 0', () => {
    const outcome = judgeReport(
      { report: report({ name: 'a.test.js', statuses: ['skipped', 'todo'] }), source: 'project unit' },
      limits,
      cwd,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('no test ran (project unit)');
    expect(outcome.measurements).toEqual([
      { name: 'tests run', value: 0, unit: 'count', threshold: 0, comparison: '>', passed: false },
      { name: 'pass rate', value: 0, unit: '%', threshold: 100, comparison: '>=', passed: false },
      { name: 'failed', value: 0, unit: 'count' },
      { name: 'skipped', value: 2, unit: 'count' },
    ]);
  });

  it('passes a failure the pass rate allows, with the rate rounded down to two decimals', () => {
    // 2 of 3 passed: 66.666… is reported as 66.66, never rounded up to meet a limit.
    const outcome = judgeReport(
      { report: report({ name: 'a.test.js', statuses: ['passed', 'passed', 'failed'] }), source: 'x' },
      { project: 'unit', passRate: 66 },
      cwd,
    );
    expect(outcome.status).toBe('pass');
    // The allowed failure is said, not counted among the passed.
    expect(outcome.summary).toBe('2 tests passed (1 failed) (x)');
    expect(outcome.measurements?.find((m) => m.name === 'pass rate')).toMatchObject({
      value: 66.66,
      threshold: 66,
      passed: true,
    });
  });

  it('fails below the pass rate, naming two failed tests and how many more', () => {
    const outcome = judgeReport(
      {
        report: report({ name: 'a.test.js', statuses: ['failed', 'failed', 'failed', ...passes(7)] }),
        source: 'x',
      },
      { project: 'unit', passRate: 80 },
      cwd,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '3 tests failed (pass rate 70%): a.test.js > test 1, a.test.js > test 2 and 1 more',
    );
  });

  it('fails a file that did not load even when every test that ran passed, at a 100% limit', () => {
    const judged = {
      report: report(
        { name: 'ok.test.js', statuses: ['passed'] },
        { name: 'broken.test.js', message: 'SyntaxError: Unexpected token' },
      ),
      source: 'x',
    };
    const outcome = judgeReport(judged, limits, cwd);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 test failed (pass rate 100%): broken.test.js (did not load)');
    // Below 100 % the limit is on the rate alone, which the load failure does not lower.
    expect(judgeReport(judged, { project: 'unit', passRate: 99 }, cwd).status).toBe('pass');
  });

  it('judges the run time only when there is one, against the limit when there is one', () => {
    const passed = report({ name: 'a.test.js', statuses: ['passed'] });
    const timeOf = (durationMs: number | undefined, maxDurationMs?: number) =>
      judgeReport(
        { report: passed, source: 'x', ...(durationMs === undefined ? {} : { durationMs }) },
        { ...limits, ...(maxDurationMs === undefined ? {} : { maxDurationMs }) },
        cwd,
      ).measurements?.find((m) => m.name === 'run time');
    expect(timeOf(undefined, 1_000)).toBeUndefined();
    expect(timeOf(1_500)).toEqual({ name: 'run time', value: 1_500, unit: 'ms' });
    expect(timeOf(999, 1_000)).toMatchObject({ threshold: 1_000, comparison: '<', passed: true });
  });

  it('fails a run that reached its time limit, without a slowest list when the report has no times', () => {
    const outcome = judgeReport(
      { report: report({ name: 'a.test.js', statuses: ['passed'] }), source: 'x', durationMs: 2_000 },
      { ...limits, maxDurationMs: 2_000 },
      cwd,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 test passed but took 2.0 s (limit 2 s)');
    expect(outcome.evidence).toEqual([]);
  });

  it('adds the output tail to the evidence only when a test failed and there is output', () => {
    const failed = report({ name: 'a.test.js', statuses: ['failed'], failure: 'expected 1 to be 2' });
    const titles = (output?: string) =>
      judgeReport(
        { report: failed, source: 'x', ...(output === undefined ? {} : { output }) },
        limits,
        cwd,
      ).evidence?.map((e) => e.title);
    expect(titles('line 1\nline 2')).toEqual(['failed tests', 'test output (tail)']);
    expect(titles()).toEqual(['failed tests']);
    const passed = report({ name: 'a.test.js', statuses: ['passed'] });
    expect(judgeReport({ report: passed, source: 'x', output: 'noise' }, limits, cwd).evidence).toEqual([]);
  });
});

describe('reading a report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-report-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };

  it('parses Jest/vitest JSON, defaulting the pending and todo counts Jest may leave out', () => {
    const path = file(
      'jest.json',
      JSON.stringify({
        numTotalTests: 1,
        numPassedTests: 1,
        numFailedTests: 0,
        testResults: [{ name: '/repo/a.test.js', assertionResults: [{ fullName: 'a', status: 'passed' }] }],
      }),
    );
    expect(readReport(path)).toMatchObject({ numPendingTests: 0, numTodoTests: 0, numPassedTests: 1 });
  });

  it('is undefined for a missing file, a file that is not JSON, and JSON of another shape', () => {
    expect(readReport(join(dir, 'absent.json'))).toBeUndefined();
    expect(readReport(file('text.json', 'not json'))).toBeUndefined();
    expect(readReport(file('other.json', JSON.stringify({ numTotalTests: 'many' })))).toBeUndefined();
  });
});

describe('the parts of a report a person reads', () => {
  it('names failed tests relative to the repository, and files that did not load', () => {
    const names = failedTests(
      {
        ...report(
          { name: 'a.test.js', statuses: ['passed', 'failed'] },
          { name: 'empty.test.js' },
          { name: 'broken.test.js', message: 'Cannot find module' },
        ),
        // A file outside the repository keeps its absolute path.
        testResults: [
          ...report({ name: 'a.test.js', statuses: ['passed', 'failed'] }).testResults,
          { name: '/elsewhere/b.test.js', assertionResults: [{ fullName: 'b', status: 'failed' }] },
          { name: `${cwd}/empty.test.js`, assertionResults: [] },
          { name: `${cwd}/broken.test.js`, message: 'Cannot find module', assertionResults: [] },
        ],
      },
      cwd,
    );
    expect(names).toEqual([
      'a.test.js > test 2',
      '/elsewhere/b.test.js > b',
      'broken.test.js (did not load)',
    ]);
  });

  it('lists the slowest files first, leaving out those without times', () => {
    const slowest = slowestFiles(
      report(
        { name: 'fast.test.js', statuses: ['passed'], ms: [0, 100.4] },
        { name: 'untimed.test.js', statuses: ['passed'] },
        { name: 'slow.test.js', statuses: ['passed'], ms: [50, 2_050.6] },
        { name: 'middle.test.js', statuses: ['passed'], ms: [0, 700] },
      ),
      cwd,
      2,
    );
    expect(slowest).toEqual([
      { file: 'slow.test.js', ms: 2_001 },
      { file: 'middle.test.js', ms: 700 },
    ]);
  });

  it("gives each failure the first lines of its message, colourless, else the file's message", () => {
    const long = Array.from({ length: 12 }, (_, i) => `\u001b[31mline ${String(i + 1)}\u001b[39m`).join('\n');
    const messages = failureMessages(
      report(
        { name: 'a.test.js', statuses: ['failed', 'passed'], failure: long },
        { name: 'b.test.js', statuses: ['failed'], message: 'the file failed' },
        { name: 'c.test.js', statuses: ['failed'] },
      ),
      cwd,
    );
    expect(messages).toEqual([
      {
        test: 'a.test.js > test 1',
        message: Array.from({ length: 8 }, (_, i) => `line ${String(i + 1)}`).join('\n'),
      },
      { test: 'b.test.js > test 1', message: 'the file failed' },
      { test: 'c.test.js > test 1', message: '' },
    ]);
  });

  it('cuts a message to 1,000 characters', () => {
    const [row] = failureMessages(
      report({ name: 'a.test.js', statuses: ['failed'], failure: 'x'.repeat(5_000) }),
      cwd,
    );
    expect(row?.message).toHaveLength(1_000);
  });

  it('restricted to some files, counts todo apart from the other tests that did not run', () => {
    const restricted = restrictReport(
      report({ name: 'a.test.js', statuses: ['todo', 'pending', 'disabled', 'skipped', 'passed', 'failed'] }),
      new Set([`${cwd}/a.test.js`]),
    );
    expect(restricted).toMatchObject({
      numTotalTests: 6,
      numPassedTests: 1,
      numFailedTests: 1,
      numPendingTests: 3,
      numTodoTests: 1,
    });
  });
});

describe('notApplicable', () => {
  it('skips, naming the two keys that make the gate apply', () => {
    expect(notApplicable('tests.unit', 'no vitest here')).toEqual({
      status: 'skip',
      summary: 'does not apply: no vitest here',
      reason:
        'no vitest here; set gates.thresholds.tests.unit.project to the vitest project to run, or gates.thresholds.tests.unit.command to a command that writes a Jest-compatible JSON report to {report}',
    });
  });
});
