import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { elapsedText, heartbeatLine, runningTitle } from '../../src/cli/commands/gates/elapsed.ts';
import { failureDetails } from '../../src/cli/commands/gates/failure-details.ts';
import { liveProgress } from '../../src/cli/commands/gates/live-progress.ts';
import { gateBlock, plainProgress } from '../../src/cli/commands/gates/plain-progress.ts';
import type { Gate } from '../../src/gates/gate.ts';
import { planStage } from '../../src/gates/runner/plan-stage.ts';
import type { RunEvent } from '../../src/gates/runner/run-planned-gates.ts';
import type { GateResult } from '../../src/gates/stage-run-result.ts';
import { configWith, fakeGate, passing, runFakes } from './support/fake-gate.ts';

// What a terminal shows under a failed gate, and how it shows a long one.

const prettierError = [
  '[error] src/broken.ts: SyntaxError: Unexpected token (3:7)',
  '[error]   1 | export const a = 1;',
  '[error] > 3 | const = 2;',
].join('\n');

function result(overrides: Partial<GateResult>): GateResult {
  return {
    id: 'code.format',
    title: 'Prettier formatting',
    stage: 'pre-deploy',
    status: 'fail',
    outcomeStatus: 'fail',
    blocking: true,
    summary: 'Prettier failed',
    measurements: [],
    evidence: [],
    dependsOn: [],
    startedAt: '2026-12-02T02:39:21.123Z',
    durationMs: 1_200,
    timeoutMs: 300_000,
    ...overrides,
  };
}

describe('the details under a failed gate', () => {
  it('give the reason and the tail of the first text evidence, cut to 15 lines', () => {
    const long = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n');
    const details = failureDetails(
      result({
        status: 'error',
        reason: 'prettier exited with 2',
        evidence: [
          { kind: 'rows', title: 'files', content: [{ file: 'a.ts' }] },
          { kind: 'output', title: 'prettier output', content: `${long}\n${prettierError}\n` },
          { kind: 'text', title: 'second text', content: 'not shown' },
        ],
      }),
    );
    expect(details[0]).toBe('reason: prettier exited with 2');
    expect(details[1]).toBe('prettier output:');
    expect(details.slice(2)).toHaveLength(16);
    expect(details[2]).toBe('  …');
    expect(details.at(-1)).toBe('  [error] > 3 | const = 2;');
    expect(details).toContain('  line 40');
    expect(details).not.toContain('  line 27');
    expect(details.join('\n')).not.toContain('not shown');
  });

  it('leave out a reason that only repeats the summary, strip terminal escapes, show rows when no text', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ file: `src/f${i}.ts`, line: i }));
    const details = failureDetails(
      result({
        summary: 'same',
        reason: 'same',
        evidence: [
          { kind: 'output', title: 'empty', content: '  \n' },
          { kind: 'rows', title: 'TypeScript errors', content: rows },
        ],
      }),
    );
    expect(details[0]).toBe('TypeScript errors:');
    expect(details[1]).toBe('  file: src/f0.ts, line: 0');
    expect(details).toHaveLength(1 + 15 + 1);
    expect(details.at(-1)).toBe('  … 5 more rows');
    expect(
      failureDetails(
        result({ evidence: [{ kind: 'output', title: 't', content: '\u001b[31mred\u001b[0m' }] }),
      ),
    ).toEqual(['t:', '  red']);
  });

  it('bound a reason that holds a tool output as they bound the evidence', () => {
    const reason = Array.from({ length: 20 }, (_, i) => `[error] line ${i + 1}`).join('\n');
    const details = failureDetails(result({ status: 'error', reason }));
    expect(details).toHaveLength(16);
    expect(details[0]).toBe('reason: …');
    expect(details[1]).toBe('  [error] line 6');
    expect(details.at(-1)).toBe('  [error] line 20');
  });

  it('are empty for a gate that passed, warned or was skipped, and for a failure with nothing to add', () => {
    const evidence = [{ kind: 'output' as const, title: 'out', content: 'text' }];
    for (const status of ['pass', 'warn', 'skip'] as const)
      expect(failureDetails(result({ status, evidence, reason: 'r' }))).toEqual([]);
    expect(failureDetails(result({}))).toEqual([]);
  });

  it('hold no personal data, as the reports do', async () => {
    const run = await runFakes([
      fakeGate('db.integrity', () => ({
        status: 'fail',
        summary: 'a duplicate',
        reason: 'ada@example.com twice',
        evidence: [
          { kind: 'output', title: 'rows', content: 'duplicate: ada@example.com, +44 20 7946 0958' },
        ],
      })),
    ]);
    const [failed] = run.results;
    if (!failed) throw new Error('expected a result');
    const text = gateBlock(failed).join('\n');
    expect(text).toContain('a***@example.com');
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain('7946');
  });

  it('follow the gate line, indented', () => {
    const lines = gateBlock(result({ evidence: [{ kind: 'output', title: 'out', content: prettierError }] }));
    expect(lines[0]).toBe('✘ code.format  FAIL  Prettier failed (1.2 s)');
    expect(lines[1]).toBe('    out:');
    expect(lines[2]).toBe('      [error] src/broken.ts: SyntaxError: Unexpected token (3:7)');
  });
});

describe('elapsed time', () => {
  it('is in whole seconds, then minutes and seconds', () => {
    expect(elapsedText(999)).toBe('0 s');
    expect(elapsedText(12_400)).toBe('12 s');
    expect(elapsedText(90_000)).toBe('1 min 30 s');
    expect(elapsedText(3_605_000)).toBe('60 min 5 s');
  });

  it("shows in a running gate's title from 5 s on", () => {
    expect(runningTitle('tests.unit  Unit tests', 4_999)).toBe('tests.unit  Unit tests');
    expect(runningTitle('tests.unit  Unit tests', 5_000)).toBe('tests.unit  Unit tests (5 s)');
  });

  it('a heartbeat names the gate and its time', () => {
    expect(heartbeatLine('tests.integration', 90_000)).toBe('… tests.integration still running (1 min 30 s)');
  });
});

/** Resolves once `done()` holds, checking every 20 ms; fails after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const gate: Gate = fakeGate('tests.integration', passing);
const start: RunEvent = { type: 'start', gate };
const finish = (r: GateResult): RunEvent => ({ type: 'finish', gate, result: r });

describe('heartbeats outside a terminal', () => {
  afterEach(() => vi.useRealTimers());

  it('one after 30 s of a gate running, then every 30 s, none once it finished', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line));
    progress.onEvent(start);
    vi.advanceTimersByTime(29_999);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lines).toEqual(['… tests.integration still running (30 s)']);
    vi.advanceTimersByTime(60_000);
    expect(lines.slice(1)).toEqual([
      '… tests.integration still running (1 min 0 s)',
      '… tests.integration still running (1 min 30 s)',
    ]);
    progress.onEvent(finish(result({ id: 'tests.integration', status: 'pass', summary: 'ok' })));
    vi.advanceTimersByTime(120_000);
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^✔ tests\.integration {2}PASS {2}ok/);
  });

  it('stop when the display stops, and take the interval they are given', async () => {
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line), { heartbeatMs: 100 });
    progress.onEvent(start);
    await until(() => lines.length >= 2);
    await progress.stop();
    const beats = lines.length;
    expect(lines.every((line) => line.startsWith('… tests.integration still running ('))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(lines).toHaveLength(beats);
  });

  it('print the details under a failed gate as it finishes', () => {
    const lines: string[] = [];
    const progress = plainProgress((line) => lines.push(line));
    progress.onEvent(start);
    progress.onEvent(
      finish(
        result({ id: 'tests.integration', evidence: [{ kind: 'output', title: 'out', content: 'boom' }] }),
      ),
    );
    expect(lines.slice(1)).toEqual(['    out:', '      boom']);
  });
});

describe('the live display', () => {
  it('shows the reason and evidence under a failed gate, and the time of a long one', async () => {
    const stream = new PassThrough();
    let drawn = '';
    stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    // listr2 draws only to a terminal; the frames go to the test's stream.
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    try {
      const slow = fakeGate('code.slow', passing);
      const failing = fakeGate('code.format', passing);
      // A clock the test moves: the gate has run 6 s the moment it starts, without the wait.
      let clock = 0;
      const progress = liveProgress({
        stream: stream as unknown as NodeJS.WriteStream,
        now: () => clock,
        tickMs: 20,
      });
      progress.start(planStage([slow, failing], configWith(), { stage: 'pre-deploy' }));
      progress.onEvent({ type: 'start', gate: slow });
      progress.onEvent({ type: 'start', gate: failing });
      await until(() => stripVTControlCharacters(drawn).includes('code.slow  fake code.slow'), 5_000);
      // Under 5 s the title is the title alone.
      clock = 4_900;
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(stripVTControlCharacters(drawn)).not.toMatch(/code\.slow {2}fake code\.slow \(\d+ s\)/);
      clock = 6_000;
      progress.onEvent({
        type: 'finish',
        gate: failing,
        result: result({ evidence: [{ kind: 'output', title: 'prettier output', content: prettierError }] }),
      });
      // The time shows from 5 s on, never before.
      const shown = /code\.slow {2}fake code\.slow \((\d+) s\)/;
      await until(() => shown.test(stripVTControlCharacters(drawn)), 5_000);
      expect(Number(shown.exec(stripVTControlCharacters(drawn))?.[1])).toBe(6);
      progress.onEvent({
        type: 'finish',
        gate: slow,
        result: result({ id: 'code.slow', status: 'pass', summary: 'ok' }),
      });
      await progress.stop();
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
    const screen = stripVTControlCharacters(drawn);
    expect(screen).toContain('code.format  Prettier failed (1.2 s)');
    expect(screen).toContain('prettier output:');
    expect(screen).toContain('[error] > 3 | const = 2;');
  }, 15_000);
});
