import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { integrationTestsGate } from '../../../src/gates/builtin/tests/integration.ts';
import { unitTestsGate } from '../../../src/gates/builtin/tests/unit.ts';
import { gateContext } from './support/gate-context.ts';
import { twoProjectVitestConfig, vitestProjects } from './support/vitest-project.ts';

// The test gates when vitest, the results file or a configured command lets them down: each
// answer says what went wrong (error, not fail: nothing was judged) or, for an empty project, fails.
const passing = "test('adds', () => { expect(1 + 1).toBe(2); });\n";
const fixtures = vitestProjects();
afterAll(() => {
  fixtures.removeAll();
});
const thresholds = (tests: Record<string, unknown>) => ({ gates: { thresholds: { tests } } });

/** A report writer standing in for `jest --json --outputFile={report}`: one passed test. */
const writer = `import { writeFileSync } from 'node:fs';
writeFileSync(process.argv[2], JSON.stringify({
  numTotalTests: 1, numPassedTests: 1, numFailedTests: 0,
  testResults: [{ name: process.cwd() + '/spec/a.spec.js', assertionResults: [{ fullName: 'a', status: 'passed' }] }],
}));
`;

describe('tests.integration with a command of its own', () => {
  it('in mode read judges the results file whole instead of running the command, or errors without one', async () => {
    const cwd = fixtures.project({ 'reports/.keep': '' }, { vitest: false });
    // The command would fail loudly if it ran: mode read must not run it.
    const integration = {
      command: ['node', '-e', 'process.exit(9)', '{report}'],
      mode: 'read',
      results: 'reports/jest.json',
    };
    const config = thresholds({ integration });
    const missing = await integrationTestsGate.run(gateContext({ cwd, config }));
    expect(missing).toEqual({
      status: 'error',
      summary: 'no test results to judge',
      reason: 'no JSON test results at reports/jest.json',
    });
    writeFileSync(
      join(cwd, 'reports/jest.json'),
      JSON.stringify({
        numTotalTests: 2,
        numPassedTests: 1,
        numFailedTests: 1,
        testResults: [
          {
            name: join(cwd, 'spec/a.spec.js'),
            assertionResults: [
              { fullName: 'a', status: 'passed' },
              { fullName: 'b', status: 'failed', failureMessages: ['expected 1 to be 2'] },
            ],
          },
        ],
      }),
    );
    const judged = await integrationTestsGate.run(gateContext({ cwd, config }));
    expect(judged.status).toBe('fail');
    expect(judged.summary).toBe('1 test failed (pass rate 50%): spec/a.spec.js > b');
    const passed = await integrationTestsGate.run(
      gateContext({
        cwd,
        config: thresholds({ integration: { ...integration, passRate: 50 } }),
      }),
    );
    expect(passed.status, passed.summary).toBe('pass');
    expect(passed.summary).toBe('1 test passed (1 failed) (judged reports/jest.json)');
  });

  it('errors with the command’s output when the command writes no report', async () => {
    const cwd = fixtures.project({ 'report.mjs': writer }, { vitest: false });
    const crash = [
      'node',
      '-e',
      "console.error('cannot reach the test database'); process.exit(3)",
      '{report}',
    ];
    const outcome = await integrationTestsGate.run(
      gateContext({ cwd, config: thresholds({ integration: { command: crash } }) }),
    );
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe(`command ${crash.join(' ')} wrote no JSON report (exit 3)`);
    // The output is stdout then stderr; the stdout is empty here.
    expect(outcome.reason?.trim()).toBe('cannot reach the test database');
    // Silent: the reason still says how it ended.
    const silent = ['node', '-e', 'process.exit(4)', '{report}'];
    const quiet = await unitTestsGate.run(
      gateContext({ cwd, config: thresholds({ unit: { command: silent } }) }),
    );
    expect(quiet).toMatchObject({ status: 'error', reason: 'exit 4, no output' });
    // The same gate with a command that writes its report passes: the error was the missing report.
    const fine = await unitTestsGate.run(
      gateContext({ cwd, config: thresholds({ unit: { command: ['node', 'report.mjs', '{report}'] } }) }),
    );
    expect(fine.status, fine.summary).toBe('pass');
  });
});

describe('tests.integration in mode read without a command', () => {
  it('errors when there is no results file, without running a test', async () => {
    const cwd = fixtures.project({ 'int/a.test.js': passing });
    const outcome = await integrationTestsGate.run(
      gateContext({ cwd, config: thresholds({ integration: { mode: 'read' } }) }),
    );
    expect(outcome).toEqual({
      status: 'error',
      summary: 'no test results to judge',
      reason: 'no JSON test results at reports/test-results.json',
    });
  });
});

describe('the test gates when vitest cannot list or run the tests', () => {
  it('errors with vitest’s message when its config cannot be loaded', async () => {
    const cwd = fixtures.project(
      { 'vitest.config.mjs': "throw new Error('the config is broken');\n", 'int/a.test.js': passing },
      { vitest: false },
    );
    for (const gate of [unitTestsGate, integrationTestsGate]) {
      const outcome = await gate.run(gateContext({ cwd }));
      expect(outcome.status, `${gate.id}: ${outcome.summary}`).toBe('error');
      expect(outcome.summary).toBe('could not list the vitest test files');
      // The tail of vitest's stderr: its stack, which names the config loader that threw.
      expect(outcome.reason).toMatch(/^vitest list exited 1: [^]*loadConfigFromFile/);
    }
  });

  it('errors with the run’s exit code and output when vitest run writes no report', async () => {
    // Lists fine, then breaks in `vitest run`: how a crash before the reporter looks to the gate.
    const config = `if (process.argv.includes('run')) throw new Error('broken only when running');\n${twoProjectVitestConfig}`;
    const cwd = fixtures.project(
      { 'vitest.config.mjs': config, 'int/a.test.js': passing },
      { vitest: false },
    );
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe('vitest run of integration did not report (exit 1)');
    expect(outcome.reason).toContain('broken only when running');
  });

  it('tests.integration skips inside a test run a gate started, before listing anything', async () => {
    const cwd = fixtures.project(
      { 'vitest.config.mjs': "throw new Error('must not load');\n" },
      { vitest: false },
    );
    const outcome = await integrationTestsGate.run(gateContext({ cwd, env: { HERMES_GATES_NESTED: '1' } }));
    expect(outcome.status).toBe('skip');
    expect(outcome.reason).toBe(
      'HERMES_GATES_NESTED=1: running the test suite again from inside it would recurse',
    );
  });
});

describe('which repositories use vitest', () => {
  it('one with vitest only in package.json does: the gate names the projects it has', async () => {
    const cwd = fixtures.project(
      {
        'package.json': JSON.stringify({ type: 'module', devDependencies: { vitest: '*' } }),
        'math.test.js': "import { test, expect } from 'vitest';\n" + passing,
      },
      { vitest: false },
    );
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('skip');
    expect(outcome.summary).toBe(
      'does not apply: vitest has no project named "integration" (projects: (unnamed))',
    );
  });

  it('one whose package.json is not JSON and has no vitest config does not', async () => {
    const cwd = fixtures.project({ 'package.json': '{ not json', 'a.test.js': passing }, { vitest: false });
    const outcome = await unitTestsGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toBe(
      'does not apply: the repository has no vitest config and no vitest dependency',
    );
  });
});

describe('an integration project with no test file', () => {
  it('fails: no test ran (it does not skip, the project exists)', async () => {
    const cwd = fixtures.project({ 'unit/math.test.js': passing });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toBe('no test ran (project integration, from one run of unit; no results file)');
  });
});
