import { boundedCapture } from '../../subprocess/bounded-capture.ts';
import { spawnGroup } from '../../subprocess/spawn-group.ts';

export interface ShellRun {
  /** null when the command was killed (timeout or cancellation). */
  code: number | null;
  /** stdout and stderr interleaved as they came, the last `keepBytes` of it. */
  output: string;
}

const keepBytes = 256 * 1024;

/**
 * Runs `command` with `/bin/sh -c` in its own process group, so that aborting `signal` ends
 * the command and everything it started, not only the shell (SIGKILL at once: a timed-out
 * gate has had its time).
 */
export async function runShell(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; signal: AbortSignal },
): Promise<ShellRun> {
  const output = boundedCapture(keepBytes, 'tail');
  const run = spawnGroup(
    { shell: command },
    {
      cwd: options.cwd,
      env: options.env,
      signal: options.signal,
      abortGraceMs: 0,
      stdout: output,
      stderr: output,
    },
  );
  const { code } = await run.done;
  return { code, output: output.text() };
}
