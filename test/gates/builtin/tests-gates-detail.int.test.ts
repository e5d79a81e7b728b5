import { afterAll, describe, expect, it } from 'vitest';
import { integrationTestsGate } from '../../../src/gates/builtin/tests/integration.ts';
import { unitTestsGate } from '../../../src/gates/builtin/tests/unit.ts';
import { gateContext } from './support/gate-context.ts';
import { vitestProjects } from './support/vitest-project.ts';
import { judged } from '../support/judged.ts';

// What a person needs from a failed test gate: which file is slow, what the assertion said.
const fixtures = vitestProjects();
const project = (files: Record<string, string>) => fixtures.project(files);
afterAll(() => {
  fixtures.removeAll();
});

describe('the test gates name what a person needs', () => {
  it('tests.unit over its time limit names the slowest file', async () => {
    const cwd = project({
      'unit/fast.test.js': "test('fast', () => { expect(1).toBe(1); });\n",
      'unit/slow.test.js': "test('slow', async () => { await new Promise((r) => setTimeout(r, 1500)); });\n",
    });
    const outcome = await unitTestsGate.run(
      gateContext({ cwd, config: { gates: { thresholds: { tests: { unit: { maxDurationMs: 1000 } } } } } }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/took [\d.]+ s \(limit 1 s\); slowest: unit\/slow\.test\.js 1\.\d s/);
    const slowest = outcome.evidence?.find((e) => e.title === 'slowest test files');
    expect(slowest?.content).toEqual([
      { file: 'unit/slow.test.js', seconds: expect.any(Number) as unknown },
      { file: 'unit/fast.test.js', seconds: expect.any(Number) as unknown },
    ]);
    // Every test passed: the run time alone fails it.
    const rows = judged(outcome);
    expect(rows.filter((m) => m.name !== 'run time')).toEqual([
      { name: 'tests run', value: 2, threshold: 0, comparison: '>', passed: true },
      { name: 'pass rate', value: 100, threshold: 100, comparison: '>=', passed: true },
    ]);
    expect(rows.find((m) => m.name === 'run time')).toMatchObject({
      threshold: 1000,
      comparison: '<',
      passed: false,
    });
  });

  it('a failing test’s assertion message is in the evidence, without colour codes', async () => {
    const cwd = project({
      'int/db.test.js': "test('counts the leads', () => { expect({ leads: 2 }).toEqual({ leads: 3 }); });\n",
    });
    const outcome = await integrationTestsGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(judged(outcome).filter((m) => m.name !== 'run time')).toEqual([
      { name: 'tests run', value: 1, threshold: 0, comparison: '>', passed: true },
      { name: 'pass rate', value: 0, threshold: 100, comparison: '>=', passed: false },
    ]);
    const failed = outcome.evidence?.find((e) => e.title === 'failed tests');
    expect(failed?.content).toEqual([
      { test: 'int/db.test.js > counts the leads', message: expect.stringContaining('expected') as unknown },
    ]);
    const [row] = failed?.content as { message: string }[];
    expect(row?.message).toContain('leads');
    expect(row?.message).not.toContain('\u001b');
  });
});
