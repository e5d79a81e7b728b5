import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cleanEnv, hermesBin } from './run-cli.ts';

export interface ServeProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** The URL it printed (`Hermes listening on ...`). */
  readonly url: string;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
}

/** Starts `hermes serve` and resolves with its URL once it says it listens. */
export function startServe(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [hermesBin, 'serve'], { env: { ...cleanEnv(), ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Hermes listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`serve exited with ${String(code)} before listening:\n${output}`)),
    );
  });
}
