import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv, hermesBin } from '../../support/run-cli.ts';

export interface SpawnedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string | null>;
}

/** Runs `hermes <args>` and resolves once its output matches `ready`. */
export function spawnHermes(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<SpawnedProcess> {
  const child = spawn(process.execPath, [hermesBin, ...args], { env: { ...cleanEnv(), ...env } });
  let output = '';
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve({ child, output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`hermes ${args.join(' ')} exited (${String(code)}) before it was ready:\n${output}`)),
    );
  });
}

export interface ServingHermes extends SpawnedProcess {
  /** The URL it said it listens on. */
  readonly base: string;
}

const listening = /Hermes listening on (http:\/\/\S+)/;

/** `hermes serve` on a free port, logging warnings only (unless `env` says otherwise); resolves once it listens. */
export async function serveHermes(env: NodeJS.ProcessEnv): Promise<ServingHermes> {
  const serve = await spawnHermes(['serve'], { PORT: '0', LOG_LEVEL: 'warn', ...env }, listening);
  return { ...serve, base: listening.exec(serve.output())?.[1] ?? '' };
}
