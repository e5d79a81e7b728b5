import { afterAll, describe, expect, it } from 'vitest';
import { customGateSchema } from '../../../src/config/sections/gates.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { shellGate } from '../../../src/gates/custom/shell-gate.ts';
import { gateContext, makeProject } from '../builtin/support/gate-context.ts';
import { judged } from '../support/judged.ts';

// A custom shell gate run in-process (real /bin/sh): exit code, output patterns, env, cwd, kill.
const project = makeProject({ 'sub/marker.txt': 'in sub\n' });
afterAll(() => {
  project.remove();
});

async function shell(entry: Record<string, unknown>, signal?: AbortSignal): Promise<GateOutcome> {
  const spec = customGateSchema.parse({ id: 'team.check', kind: 'shell', ...entry });
  if (spec.kind !== 'shell') throw new Error('not a shell gate');
  const ctx = gateContext({ cwd: project.dir, env: { PATH: process.env.PATH ?? '', FROM_RUN: 'run' } });
  return shellGate(spec).run(signal ? { ...ctx, signal } : ctx);
}

describe('a custom shell gate', () => {
  it('runs in the configured directory with the run’s environment and its own, and passes', async () => {
    const outcome = await shell({
      command: 'cat marker.txt; echo "$FROM_RUN $FROM_GATE"',
      cwd: 'sub',
      env: { FROM_GATE: 'gate' },
      outputMatches: '^run gate$',
    });
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('`cat marker.txt; echo "$FROM_RUN $FROM_GATE"` exited with 0');
    expect(outcome.evidence?.[0]?.content).toBe('in sub\nrun gate');
  });

  it('fails on another exit code, judging it against the expected one', async () => {
    const outcome = await shell({ command: 'exit 3', expectExitCode: 2 });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('`exit 3` exited with 3, expected 2');
    expect(judged(outcome)).toEqual([
      { name: 'exit code', value: 3, threshold: 2, comparison: '==', passed: false },
    ]);
    const expected = await shell({ command: 'exit 2', expectExitCode: 2 });
    expect(expected.status, expected.summary).toBe('pass');
  });

  it('fails when the output does not match its pattern', async () => {
    const outcome = await shell({ command: 'echo "3 checks failed"', outputMatches: '^0 checks failed$' });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('the output does not match /^0 checks failed$/');
  });

  it('fails when the output matches the forbidden pattern, quoting the match (120 characters at most)', async () => {
    const outcome = await shell({
      command: 'echo ok; echo "WARN deprecated: $(printf "x%.0s" $(seq 1 200))"',
      outputNotMatches: 'WARN.*',
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `the output matches /WARN.*/: ${`WARN deprecated: ${'x'.repeat(200)}`.slice(0, 120)}`,
    );
    const clean = await shell({ command: 'echo ok', outputNotMatches: 'WARN' });
    expect(clean.status, clean.summary).toBe('pass');
  });

  it('is an error when the command is killed (its signal aborted)', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const outcome = await shell({ command: 'echo started; sleep 30' }, controller.signal);
    expect(outcome).toMatchObject({ status: 'error', summary: 'the command was killed', reason: 'killed' });
  });
});
