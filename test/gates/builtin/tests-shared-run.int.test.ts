import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { coverageGate } from '../../../src/gates/builtin/tests/coverage.ts';
import { integrationTestsGate } from '../../../src/gates/builtin/tests/integration.ts';
import { unitTestsGate } from '../../../src/gates/builtin/tests/unit.ts';
import type { Gate } from '../../../src/gates/gate.ts';
import { planStage } from '../../../src/gates/runner/plan-stage.ts';
import { runPlannedGates } from '../../../src/gates/runner/run-planned-gates.ts';
import { createSharedDatabase } from '../../../src/gates/runner/shared-database.ts';
import type { StageRun } from '../../../src/gates/stage-run-result.ts';
import { gateContext } from './support/gate-context.ts';
import { vitestProjects } from './support/vitest-project.ts';

// A tiny vitest project whose test files each append their name to runs.log when they run:
// the log says how often each file ran, whatever the gates report.
const counted = (name: string, body: string) =>
  `import { appendFileSync } from 'node:fs';\nimport { add } from '../src/add.js';\n` +
  `appendFileSync(new URL('../runs.log', import.meta.url), '${name}\\n');\n${body}`;
const passing = "test('adds', () => { expect(add(1, 1)).toBe(2); });\n";
const failing = "test('subtracts', () => { expect(add(2, -1)).toBe(3); });\n";

const fixtures = vitestProjects();
afterAll(() => {
  fixtures.removeAll();
});

/** Every file written a minute ago, so a results file written now is newer without waiting. */
const project = (files: Record<string, string>, vitest = true): string =>
  fixtures.project(
    { 'src/add.js': 'export const add = (a, b) => a + b;\n', ...files },
    { vitest, backdate: true },
  );

function runs(cwd: string): string[] {
  const log = join(cwd, 'runs.log');
  return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
}

const thresholds = (tests: Record<string, unknown>) => ({ gates: { thresholds: { tests } } });
// The tiny project's single source file is fully covered; the figures are not what is tested here.
const anyCoverage = { coverage: { lines: 0, statements: 0, functions: 0, branches: 0 } };

/** Plans and runs the given gates of pre-deploy in `cwd`, two at a time, as the CLI would. */
async function runGates(cwd: string, gates: readonly Gate[]): Promise<StageRun> {
  const config = configSchema.parse(thresholds(anyCoverage));
  const plan = planStage(gates, config, { stage: 'pre-deploy' });
  const database = createSharedDatabase(() => Promise.reject(new Error('no database in this test')));
  return runPlannedGates({ plan, config, cwd, env: {}, database, concurrency: 2 });
}
const resultOf = (run: StageRun, id: string) => run.results.find((r) => r.id === id);

/** A vitest JSON results file holding one passed (or failed) test per given file. */
function resultsFile(cwd: string, files: Record<string, 'passed' | 'failed'>): void {
  const testResults = Object.entries(files).map(([file, status]) => ({
    name: join(cwd, file),
    status,
    message: '',
    assertionResults: [
      {
        fullName: 'adds',
        title: 'adds',
        status,
        failureMessages: status === 'failed' ? ['expected 1 to be 3'] : [],
      },
    ],
  }));
  const count = (s: string) => testResults.filter((r) => r.status === s).length;
  writeFileSync(
    join(cwd, 'reports/test-results.json'),
    JSON.stringify({
      numTotalTests: testResults.length,
      numPassedTests: count('passed'),
      numFailedTests: count('failed'),
      numPendingTests: 0,
      numTodoTests: 0,
      testResults,
    }),
  );
}

describe('one test run serves tests.integration and tests.coverage', () => {
  it('runs the integration file exactly once when both gates run in one stage', async () => {
    const cwd = project({
      'unit/math.test.js': counted('unit', passing),
      'int/db.test.js': counted('int', passing),
    });
    const run = await runGates(cwd, [integrationTestsGate, coverageGate]);
    expect(runs(cwd).sort()).toEqual(['int', 'unit']);
    const integration = resultOf(run, 'tests.integration');
    expect(integration?.status, integration?.summary).toBe('pass');
    expect(integration?.summary).toMatch(/project integration, from one run of integration, unit/);
    const coverage = resultOf(run, 'tests.coverage');
    expect(coverage?.status, coverage?.summary).toBe('pass');
    expect(coverage?.summary).toMatch(/from one run of integration, unit/);
  });

  it('a failing unit test in the shared run does not fail tests.integration', async () => {
    const cwd = project({
      'unit/math.test.js': counted('unit', failing),
      'int/db.test.js': counted('int', passing),
    });
    const run = await runGates(cwd, [integrationTestsGate, coverageGate]);
    expect(runs(cwd).sort()).toEqual(['int', 'unit']);
    const integration = resultOf(run, 'tests.integration');
    expect(integration?.status, integration?.summary).toBe('pass');
    expect(integration?.summary).toMatch(/^1 test passed in [\d.]+ s \(project integration/);
    // The coverage gate cannot judge a run whose tests failed, and says so.
    const coverage = resultOf(run, 'tests.coverage');
    expect(coverage?.status).toBe('error');
    expect(coverage?.reason).toMatch(/1 tests failed/);
  });
});

describe('tests.integration judges a fresh results file instead of running', () => {
  const files = () => ({
    'unit/math.test.js': counted('unit', passing),
    'int/db.test.js': counted('int', passing),
  });

  it('judges a fresh, complete results file without running a test', async () => {
    const cwd = project({ ...files(), 'reports/.keep': '' });
    resultsFile(cwd, { 'int/db.test.js': 'passed', 'unit/math.test.js': 'failed' });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(runs(cwd)).toEqual([]);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('1 test passed (project integration, judged reports/test-results.json)');
  });

  it('fails on a failed test in the results file, still without running', async () => {
    const cwd = project({ ...files(), 'reports/.keep': '' });
    resultsFile(cwd, { 'int/db.test.js': 'failed' });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(runs(cwd)).toEqual([]);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 test failed (pass rate 0%): int/db.test.js > adds');
  });

  it('runs when the results file is older than the sources', async () => {
    const cwd = project({ ...files(), 'reports/.keep': '' });
    resultsFile(cwd, { 'int/db.test.js': 'failed' });
    const past = new Date(Date.now() - 120_000);
    utimesSync(join(cwd, 'reports/test-results.json'), past, past);
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(runs(cwd)).toContain('int');
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/the results file is older than the sources\)$/);
  });

  it('runs when the results file lacks a file of the project', async () => {
    const cwd = project({ ...files(), 'int/more.test.js': counted('more', passing), 'reports/.keep': '' });
    resultsFile(cwd, { 'int/db.test.js': 'passed' });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(runs(cwd)).toEqual(expect.arrayContaining(['int', 'more']));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/^2 tests passed .*the results file lacks 1 test files\)$/);
  });

  it('in mode read, fails naming the files a partial results file lacks', async () => {
    const cwd = project({ ...files(), 'int/more.test.js': counted('more', passing), 'reports/.keep': '' });
    resultsFile(cwd, { 'int/db.test.js': 'passed' });
    const outcome = await integrationTestsGate.run(
      gateContext({ cwd, config: thresholds({ integration: { mode: 'read' } }) }),
    );
    expect(runs(cwd)).toEqual([]);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'reports/test-results.json holds no result for 1 test file of project integration: int/more.test.js',
    );
  });
});

describe('the test gates on a project they do not fit', () => {
  it('skips, naming the keys to set, on a project without vitest', async () => {
    const cwd = project({ 'test/math.test.js': passing }, false);
    for (const gate of [unitTestsGate, integrationTestsGate, coverageGate]) {
      const outcome = await gate.run(gateContext({ cwd }));
      expect(outcome.status, `${gate.id}: ${outcome.summary}`).toBe('skip');
      expect(outcome.reason).toMatch(/no vitest config and no vitest dependency/);
      expect(outcome.reason).toContain(`gates.thresholds.${gate.id}.`);
    }
  });

  it('skips tests.integration when vitest has no project of that name', async () => {
    const cwd = project({
      'vitest.config.mjs': 'export default { test: { globals: true } };\n',
      'x.test.js': passing,
    });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('skip');
    expect(outcome.reason).toMatch(/vitest has no project named "integration"/);
    expect(outcome.reason).toMatch(/gates\.thresholds\.tests\.integration\.command/);
  });

  it('judges the report a configured command writes to {report}', async () => {
    // A stand-in for `jest --json --outputFile`: the same format, no vitest involved.
    const writer = `import { writeFileSync, appendFileSync } from 'node:fs';
appendFileSync('runs.log', 'command\\n');
const failed = process.argv[3] === 'fail';
writeFileSync(process.argv[2], JSON.stringify({
  numTotalTests: 1, numPassedTests: failed ? 0 : 1, numFailedTests: failed ? 1 : 0,
  numPendingTests: 0, numTodoTests: 0,
  testResults: [{ name: process.cwd() + '/spec/api.spec.js', message: '', assertionResults: [
    { fullName: 'api answers', status: failed ? 'failed' : 'passed', failureMessages: failed ? ['expected 200, got 500'] : [] },
  ] }],
}));
`;
    const cwd = project({ 'report.mjs': writer }, false);
    const command = (outcome: string) => ({ command: ['node', 'report.mjs', '{report}', outcome] });
    const integration = await integrationTestsGate.run(
      gateContext({ cwd, config: thresholds({ integration: command('fail') }) }),
    );
    expect(integration.status).toBe('fail');
    expect(integration.summary).toBe('1 test failed (pass rate 0%): spec/api.spec.js > api answers');
    const unit = await unitTestsGate.run(gateContext({ cwd, config: thresholds({ unit: command('pass') }) }));
    expect(unit.status, unit.summary).toBe('pass');
    expect(unit.summary).toMatch(/^1 test passed in [\d.]+ s \(command node report\.mjs \{report\} pass\)$/);
    expect(runs(cwd)).toEqual(['command', 'command']);
  });

  it('refuses a command that names no {report}', () => {
    expect(() => gateContext({ config: thresholds({ unit: { command: ['jest', '--json'] } }) })).toThrow(
      /\{report\}/,
    );
  });
});
