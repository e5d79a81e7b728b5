import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { HermesError } from '../../../errors/hermes-error.ts';

export interface RunningService {
  url: string;
  pid: number;
  /** Resident memory of the service process in MB, or undefined where /proc is not available. */
  rssMb(): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the service as a subprocess and waits for it to print its URL (`hermes serve` prints
 * `Hermes listening on http://host:port`); the command gets PORT=0, so it picks a free port.
 */
export async function startService(
  command: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal: AbortSignal },
): Promise<RunningService> {
  const [program = 'node', ...args] = command;
  const child: ChildProcess = spawn(program === 'node' ? process.execPath : program, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no URL printed within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    const onData = () => {
      const match = /https?:\/\/[^\s)]+/.exec(output);
      if (match) finish(undefined, match[0]);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`the service exited (code ${String(code)}) before listening`));
    const onAbort = () => finish(new Error('cancelled'));
    function finish(error: Error | undefined, found?: string) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      options.signal.removeEventListener('abort', onAbort);
      if (error || found === undefined) reject(error ?? new Error('no URL'));
      else resolve(found);
    }
    child.stdout?.on('data', onData);
    child.on('exit', onExit);
    options.signal.addEventListener('abort', onAbort, { once: true });
  }).catch(async (error: unknown) => {
    await stop();
    const reason = `${error instanceof Error ? error.message : String(error)}: ${output.slice(-2_000)}`;
    throw new HermesError('gate_service_start_failed', reason, { cause: error });
  });
  return {
    url,
    pid: child.pid ?? 0,
    rssMb() {
      try {
        const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(child.pid)}/status`, 'utf8'))?.[1];
        return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
      } catch {
        return undefined;
      }
    },
    output: () => output,
    stop,
  };
}
