import { describe, expect, it } from 'vitest';
import { boundedCapture } from '../../src/subprocess/bounded-capture.ts';
import { spawnGroup, type SpawnGroupOptions } from '../../src/subprocess/spawn-group.ts';
import { goneWithin, grandchildScript, settledWithin } from './support/grandchild.ts';

function options(extra: Partial<SpawnGroupOptions> = {}): SpawnGroupOptions {
  const output = boundedCapture(1024, 'tail');
  return { cwd: process.cwd(), env: process.env, abortGraceMs: 0, stdout: output, stderr: output, ...extra };
}

describe('spawnGroup', () => {
  it('captures each stream where it is told and reports the exit code', async () => {
    const stdout = boundedCapture(1024, 'head');
    const stderr = boundedCapture(1024, 'head');
    const seen: string[] = [];
    const run = spawnGroup(
      { file: '/bin/sh', args: ['-c', 'printf out; printf err >&2; sleep 0.2; exit 5'] },
      options({ stdout, stderr, onOutput: (stream) => seen.push(stream) }),
    );
    expect(run.pid).toBeGreaterThan(0);
    expect(run.running()).toBe(true);
    const exit = await run.done;
    expect(exit).toMatchObject({ code: 5, signal: null });
    // The run's wall time: at least the sleep (a lower bound only, so a busy machine cannot fail it).
    expect(exit.durationMs).toBeGreaterThanOrEqual(150);
    expect([stdout.text(), stderr.text()]).toEqual(['out', 'err']);
    expect(seen.sort()).toEqual(['stderr', 'stdout']);
    expect(run.running()).toBe(false);
  });

  it('runs a shell command line', async () => {
    const output = boundedCapture(1024, 'tail');
    const run = spawnGroup(
      { shell: 'echo "$HERMES_T" | tr a-z A-Z' },
      options({
        env: { ...process.env, HERMES_T: 'shout' },
        stdout: output,
        stderr: output,
      }),
    );
    expect((await run.done).code).toBe(0);
    expect(output.text()).toBe('SHOUT\n');
  });

  it('rejects `done` when the program cannot be started', async () => {
    const run = spawnGroup({ file: 'hermes-no-such-program', args: [] }, options());
    await expect(run.done).rejects.toThrow(/ENOENT/);
    expect(run.killGroup('SIGKILL')).toBe(false);
  });

  it('kills the grandchildren at once when the signal aborts with no grace', async () => {
    const grandchild = grandchildScript();
    const abort = new AbortController();
    const run = spawnGroup({ shell: grandchild.script }, options({ signal: abort.signal }));
    const pid = await grandchild.pid();
    abort.abort();
    expect(await goneWithin(pid)).toBe(true);
    expect(await settledWithin(run.done, 2_000)).toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('asks the group to stop with SIGTERM and kills what ignores it after the grace', async () => {
    // The shell ignores SIGTERM (its sleep does not): only the SIGKILL after the grace ends it.
    const output = boundedCapture(1024, 'tail');
    const run = spawnGroup(
      { shell: "trap 'echo term' TERM; sleep 30 & wait; sleep 30 & wait" },
      options({ stdout: output, stderr: output }),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const exit = await settledWithin(run.stop(300), 3_000);
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(output.text()).toContain('term');
  });

  it('ends on SIGTERM without waiting out the grace', async () => {
    const run = spawnGroup({ shell: 'sleep 30' }, options());
    const started = Date.now();
    expect(await run.stop(10_000)).toMatchObject({ signal: 'SIGTERM' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('kills at once when the signal was aborted before the start', async () => {
    const abort = new AbortController();
    abort.abort();
    const run = spawnGroup({ shell: 'sleep 30' }, options({ signal: abort.signal }));
    expect(await settledWithin(run.done, 2_000)).toMatchObject({ signal: 'SIGKILL' });
  });

  it('signals nothing once the process has ended: its pid may be someone else’s by now', async () => {
    const run = spawnGroup({ shell: 'exit 0' }, options());
    await run.done;
    expect(run.killGroup('SIGKILL')).toBe(false);
    expect(await run.stop(10)).toMatchObject({ code: 0 });
  });

  it('keeps a chatty process within the capture bound', async () => {
    const output = boundedCapture(1_000, 'tail');
    const run = spawnGroup(
      { shell: `node -e "for (let i = 0; i < 2000; i++) process.stdout.write('line ' + i + '\\n')"` },
      options({ stdout: output, stderr: output }),
    );
    expect((await run.done).code).toBe(0);
    const text = output.text();
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1_000);
    expect(text.endsWith('line 1999\n')).toBe(true);
    expect(output.truncated).toBe(true);
  });
});
