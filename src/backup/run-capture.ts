import { boundedCapture } from '../subprocess/bounded-capture.ts';
import { spawnGroup } from '../subprocess/spawn-group.ts';

export interface CapturedRun {
  /** null when a signal ended it (the caller's abort). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** pg_dump's diagnostics are short; a runaway one must not fill memory. */
const maxCapture = 256 * 1024;

/** A program run to its end with its output captured; `signal` ends it and whatever it started. */
export async function runCapture(
  file: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; signal?: AbortSignal | undefined },
): Promise<CapturedRun> {
  const stdout = boundedCapture(maxCapture, 'head');
  const stderr = boundedCapture(maxCapture, 'tail');
  const run = spawnGroup(
    { file, args },
    {
      cwd: options.cwd,
      env: options.env,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      abortGraceMs: 2_000,
      stdout,
      stderr,
    },
  );
  const { code } = await run.done;
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
