import { vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { cleanEnv, type CliResult } from '../support/run-cli.ts';

/**
 * Runs `hermes ...args` through the same `main(argv)` the binary calls, in this process (no ~1 s
 * start-up per call). The environment is the subprocess's (`cleanEnv()` plus `env`) for the call
 * only; stdout and stderr are captured for it, not printed.
 */
export async function runCliInProcess(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const saved = process.env;
  let stdout = '';
  let stderr = '';
  // A write's callback (if any) still runs, so a caller waiting for a drain is not left hanging.
  const capture =
    (append: (text: string) => void) =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      const done = rest.find((r): r is () => void => typeof r === 'function');
      done?.();
      return true;
    };
  process.env = { ...cleanEnv(), ...options.env };
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(capture((text) => (stdout += text))),
    vi.spyOn(process.stderr, 'write').mockImplementation(capture((text) => (stderr += text))),
  ];
  try {
    const code = await main(['node', 'hermes', ...args]);
    return { code, stdout, stderr };
  } finally {
    for (const spy of spies) spy.mockRestore();
    process.env = saved;
  }
}
