import { execFile } from 'node:child_process';
import { HermesError } from '../../errors/hermes-error.ts';

const timeoutMs = 300_000;

/** Runs one of the team's target commands with `/bin/sh -c`; its stdout, or a clear error with its output's end. */
export function runTargetCommand(
  step: string,
  command: string,
  env: Readonly<Record<string, string>>,
  cwd: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      '/bin/sh',
      ['-c', command],
      { cwd, env, timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve(stdout);
          return;
        }
        const tail = `${stdout}${stderr}`.trim().split('\n').slice(-5).join('\n');
        const code =
          typeof error.code === 'number' ? `exit ${String(error.code)}` : (error.signal ?? error.message);
        reject(
          new HermesError('deploy_target_failed', `deploy.command.${step} failed (${code})`, {
            details: tail === '' ? [] : [tail],
          }),
        );
      },
    );
  });
}

/** The handle a command printed: its last non-empty line; null when it printed nothing. */
export function printedHandle(stdout: string): string | null {
  const lines = stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.at(-1) ?? null;
}
