import { boundedCapture } from '../../../subprocess/bounded-capture.ts';
import { spawnGroup } from '../../../subprocess/spawn-group.ts';

export interface ToolRun {
  /** null when killed (timeout or cancellation). */
  code: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunToolOptions {
  cwd: string;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Keeps the gates' memory bounded when a tool is chatty; a report needs the tail at most. */
const maxCapture = 64 * 1024 * 1024;

/** A tool asked to stop (SIGTERM) gets this long to end its workers before they are killed. */
const abortGraceMs = 2_000;

/**
 * Runs a command to completion, capturing its output; the gate's signal ends it and whatever it
 * started (npm's node, vitest's workers), since it runs in its own process group.
 */
export async function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions,
): Promise<ToolRun> {
  const stdout = boundedCapture(maxCapture, 'head');
  const stderr = boundedCapture(maxCapture, 'head');
  const run = spawnGroup(
    { file: command, args },
    {
      cwd: options.cwd,
      env: options.env ?? process.env,
      signal: options.signal,
      abortGraceMs,
      stdout,
      stderr,
    },
  );
  const { code, durationMs } = await run.done;
  return { code, stdout: stdout.text(), stderr: stderr.text(), durationMs };
}
