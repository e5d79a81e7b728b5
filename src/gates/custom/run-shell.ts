import { spawn } from 'node:child_process';

export interface ShellRun {
  /** null when the command was killed (timeout or cancellation). */
  code: number | null;
  /** stdout and stderr interleaved as they came, the last `keepBytes` of it. */
  output: string;
}

const keepBytes = 256 * 1024;

/**
 * Runs `command` with `/bin/sh -c` in its own process group, so that aborting `signal` ends
 * the command and everything it started, not only the shell.
 */
export function runShell(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; signal: AbortSignal },
): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > keepBytes * 2) output = output.slice(-keepBytes);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const kill = (): void => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
    if (options.signal.aborted) kill();
    else options.signal.addEventListener('abort', kill, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      options.signal.removeEventListener('abort', kill);
      resolve({ code, output: output.length > keepBytes ? output.slice(-keepBytes) : output });
    });
  });
}
