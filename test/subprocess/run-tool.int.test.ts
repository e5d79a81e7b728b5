import { describe, expect, it } from 'vitest';
import { runTool } from '../../src/gates/builtin/support/run-tool.ts';
import { goneWithin, grandchildScript, settledWithin } from './support/grandchild.ts';

describe('runTool', () => {
  it('captures stdout and stderr apart, with the exit code and the duration', async () => {
    const run = await runTool('/bin/sh', ['-c', 'echo out; echo err >&2; sleep 0.2; exit 3'], {
      cwd: process.cwd(),
      signal: new AbortController().signal,
    });
    expect(run).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    // The run's wall time: at least the sleep (a lower bound only, so a busy machine cannot fail it).
    expect(run.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('rejects when the program cannot be started', async () => {
    await expect(
      runTool('hermes-no-such-program', [], { cwd: process.cwd(), signal: new AbortController().signal }),
    ).rejects.toThrow(/ENOENT/);
  });

  it('keeps a character whole when the pipe splits it between two chunks', async () => {
    // 3-byte characters over several 64 KiB pipe reads: some read ends inside one.
    const script = `node -e "process.stdout.write('€'.repeat(100000))"`;
    const run = await runTool('/bin/sh', ['-c', script], {
      cwd: process.cwd(),
      signal: new AbortController().signal,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('€'.repeat(100_000));
  });

  it('ends what the tool started when the gate aborts, not only the tool', async () => {
    const grandchild = grandchildScript();
    const abort = new AbortController();
    const running = runTool('/bin/sh', ['-c', grandchild.script], {
      cwd: process.cwd(),
      signal: abort.signal,
    });
    const pid = await grandchild.pid();
    abort.abort();
    expect(await goneWithin(pid)).toBe(true);
    // The grandchild held the pipes: the run ends once it is gone.
    const run = await settledWithin(running, 2_000);
    expect(run).not.toBe('pending');
    expect(run === 'pending' ? undefined : run.code).toBeNull();
  });

  it('starts nothing lasting when the signal is already aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    const run = await runTool('/bin/sh', ['-c', 'sleep 30'], { cwd: process.cwd(), signal: abort.signal });
    expect(run.code).toBeNull();
    expect(run.durationMs).toBeLessThan(5_000);
  });
});
