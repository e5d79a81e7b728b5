import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { liveProgress } from '../../src/cli/commands/gates/live-progress.ts';
import type { Gate } from '../../src/gates/gate.ts';
import { planStage } from '../../src/gates/runner/plan-stage.ts';
import type { GateResult } from '../../src/gates/stage-run-result.ts';
import { configWith, fakeGate, passing } from '../gates/support/fake-gate.ts';

function result(gate: Gate, overrides: Partial<GateResult>): GateResult {
  return {
    id: gate.id,
    title: gate.title,
    stage: 'pre-deploy',
    status: 'pass',
    outcomeStatus: 'pass',
    blocking: true,
    summary: 'fine',
    measurements: [],
    evidence: [],
    dependsOn: [],
    startedAt: '2026-12-02T02:39:21.123Z',
    durationMs: 1_200,
    timeoutMs: 300_000,
    ...overrides,
  };
}

async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `body` with stdout taken for a terminal (listr2 draws only to one); the frames go to `stream`. */
async function asTerminal(body: () => Promise<void>): Promise<void> {
  const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
  try {
    await body();
  } finally {
    if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
  }
}

describe('the live display: each state of a gate', () => {
  it('waiting for its dependencies, its log line while it runs, then pass, warn, skip and fail as titles', async () => {
    const stream = new PassThrough();
    let drawn = '';
    stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const screen = () => stripVTControlCharacters(drawn);
    const first = fakeGate('code.first', passing);
    const after = fakeGate('code.after', passing, { dependsOn: ['code.first'] });
    const meh = fakeGate('code.meh', passing);
    const off = fakeGate('code.off', passing);
    const broken = fakeGate('code.broken', passing);
    const instant = fakeGate('code.instant', passing);
    await asTerminal(async () => {
      const progress = liveProgress({ stream: stream as unknown as NodeJS.WriteStream, tickMs: 20 });
      progress.start(
        planStage([first, after, meh, off, broken, instant], configWith(), { stage: 'pre-deploy' }),
      );
      await until(() => screen().includes('waiting for code.first'));
      // A log line that arrives before the task shows the gate running is shown once it does.
      progress.onEvent({ type: 'log', gate: first, message: 'installing dependencies' });
      progress.onEvent({ type: 'start', gate: first });
      await until(() => screen().includes('installing dependencies'));
      progress.onEvent({ type: 'log', gate: first, message: 'linting 42 files' });
      await until(() => screen().includes('linting 42 files'));
      // An event for a gate the plan does not hold is ignored.
      progress.onEvent({ type: 'start', gate: fakeGate('code.stranger', passing) });

      progress.onEvent({ type: 'finish', gate: first, result: result(first, { summary: '0 problems' }) });
      progress.onEvent({ type: 'start', gate: after });
      progress.onEvent({ type: 'finish', gate: after, result: result(after, {}) });
      progress.onEvent({
        type: 'finish',
        gate: meh,
        result: result(meh, { status: 'warn', outcomeStatus: 'warn', summary: '2 warnings' }),
      });
      progress.onEvent({
        type: 'finish',
        gate: off,
        result: result(off, { status: 'skip', summary: 'skipped: disabled', startedAt: null, durationMs: 0 }),
      });
      progress.onEvent({
        type: 'finish',
        gate: broken,
        result: result(broken, { status: 'fail', outcomeStatus: 'fail', summary: 'it broke' }),
      });
      progress.onEvent({
        type: 'finish',
        gate: instant,
        result: result(instant, { summary: 'nothing to do', startedAt: null, durationMs: 0 }),
      });
      await progress.stop();
    });
    const shown = screen();
    // The last frame: a skip shows its reason in place of the title and no time (it never started);
    // a failure without details adds no line under its title; a gate never started has no time.
    expect(shown.trimEnd().split('\n').slice(-6)).toEqual([
      '✔ code.first  0 problems (1.2 s)',
      '✔ code.after  fine (1.2 s)',
      '✔ ⚠ code.meh  2 warnings (1.2 s)',
      '↓ code.off  skipped: disabled',
      '✖ code.broken  it broke (1.2 s)',
      '✔ code.instant  nothing to do',
    ]);
    expect(shown).not.toContain('code.stranger');
  }, 15_000);
});
