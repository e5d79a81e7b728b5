import { readFileSync } from 'node:fs';
import { HermesError } from '../../../errors/hermes-error.ts';
import { boundedCapture } from '../../../subprocess/bounded-capture.ts';
import { spawnGroup } from '../../../subprocess/spawn-group.ts';
import { errorMessage } from '../../../errors/error-message.ts';

export interface RunningService {
  url: string;
  pid: number;
  /** Resident memory of the service process in MB, or undefined where /proc is not available. */
  rssMb(): number | undefined;
  output(): string;
  stop(): Promise<void>;
}

/** How long a service asked to stop (SIGTERM) may take to close before it is killed. */
const stopGraceMs = 10_000;

/**
 * Starts the service as a subprocess and waits for it to print its URL (`hermes serve` prints
 * `Hermes listening on http://host:port`); the command gets PORT=0, so it picks a free port.
 * It runs in its own process group: stopping it, or aborting `signal` at any time, ends it and
 * whatever it started.
 */
export async function startService(
  command: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; signal: AbortSignal },
): Promise<RunningService> {
  const [program = 'node', ...args] = command;
  const output = boundedCapture(20_000, 'tail');
  let onStdout = (): void => undefined;
  const service = spawnGroup(
    { file: program === 'node' ? process.execPath : program, args },
    {
      cwd: options.cwd,
      env: options.env,
      signal: options.signal,
      abortGraceMs: stopGraceMs,
      stdout: output,
      stderr: output,
      onOutput: (stream) => {
        if (stream === 'stdout') onStdout();
      },
    },
  );
  const stop = async (): Promise<void> => {
    await service.stop(stopGraceMs).catch(() => undefined);
  };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no URL printed within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    onStdout = () => {
      const match = /https?:\/\/[^\s)]+/.exec(output.text());
      if (match) finish(undefined, match[0]);
    };
    const onAbort = () => finish(new Error('cancelled'));
    function finish(error: Error | undefined, found?: string) {
      clearTimeout(timer);
      onStdout = () => undefined;
      options.signal.removeEventListener('abort', onAbort);
      if (error || found === undefined) reject(error ?? new Error('no URL'));
      else resolve(found);
    }
    service.done.then(
      ({ code }) => finish(new Error(`the service exited (code ${String(code)}) before listening`)),
      (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
    );
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  }).catch(async (error: unknown) => {
    await stop();
    const reason = `${errorMessage(error)}: ${output.text().slice(-2_000)}`;
    throw new HermesError('gate_service_start_failed', reason, { cause: error });
  });
  return {
    url,
    pid: service.pid ?? 0,
    rssMb() {
      // Once it has ended the pid is no longer the service's: another process may get it.
      if (!service.running()) return undefined;
      try {
        const status = readFileSync(`/proc/${String(service.pid)}/status`, 'utf8');
        const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
        return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
      } catch {
        return undefined;
      }
    },
    output: () => output.text(),
    stop,
  };
}
