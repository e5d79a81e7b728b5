import { describe, expect, it } from 'vitest';
import { runShell } from '../../src/gates/custom/run-shell.ts';
import { goneWithin, grandchildScript, settledWithin } from './support/grandchild.ts';

const options = (signal: AbortSignal) => ({ cwd: process.cwd(), env: process.env, signal });

describe('runShell', () => {
  it('interleaves stdout and stderr and returns the exit code', async () => {
    // Two pipes: the pauses give each line its own turn, so the order is the one written.
    const run = await runShell(
      'echo one; sleep 0.05; echo two >&2; sleep 0.05; echo three; exit 4',
      options(new AbortController().signal),
    );
    expect(run).toEqual({ code: 4, output: 'one\ntwo\nthree\n' });
  });

  it('keeps the last 256 KiB of a long output', async () => {
    const run = await runShell(
      `node -e "process.stdout.write('a'.repeat(600000) + 'END')"`,
      options(new AbortController().signal),
    );
    expect(run.code).toBe(0);
    expect(run.output).toHaveLength(256 * 1024);
    expect(run.output.endsWith('aEND')).toBe(true);
  });

  it('kills the command and what it started when the signal aborts', async () => {
    const grandchild = grandchildScript();
    const abort = new AbortController();
    const running = runShell(grandchild.script, options(abort.signal));
    const pid = await grandchild.pid();
    abort.abort();
    expect(await goneWithin(pid)).toBe(true);
    const run = await settledWithin(running, 2_000);
    expect(run === 'pending' ? 'pending' : run.code).toBeNull();
  });

  it('kills a background process left holding the output after the shell exited', async () => {
    // The shell is gone, its grandchild keeps the pipes: only the group signal can end the wait.
    const grandchild = grandchildScript('exit 0;');
    const abort = new AbortController();
    const running = runShell(grandchild.script, options(abort.signal));
    const pid = await grandchild.pid();
    await new Promise((resolve) => setTimeout(resolve, 50));
    abort.abort();
    expect(await goneWithin(pid)).toBe(true);
    const run = await settledWithin(running, 2_000);
    expect(run === 'pending' ? 'pending' : run.code).toBe(0);
  });
});
