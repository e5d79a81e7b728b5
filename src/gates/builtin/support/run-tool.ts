import { spawn } from 'node:child_process';

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

/** Runs a command to completion, capturing its output; the gate's signal kills it. */
export function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<ToolRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      signal: options.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < maxCapture) stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < maxCapture) stderr += chunk.toString();
    });
    child.on('error', (error) => {
      if (error.name !== 'AbortError') reject(error);
    });
    child.on('close', (code) => {
      resolve({ code, stdout, stderr, durationMs: Math.round(performance.now() - started) });
    });
  });
}
