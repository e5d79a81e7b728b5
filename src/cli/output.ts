import { Writable } from 'node:stream';

/** Where commands write: stdout for results, stderr for progress and errors. Tests pass buffers. */
export interface Output {
  readonly json: boolean;
  line(text?: string): void;
  error(text: string): void;
  /** Prints `value` as JSON when `--json` was given, else calls `human`. */
  result(value: unknown, human: () => void): void;
}

export function createOutput(
  json: boolean,
  stdout: Writable = process.stdout,
  stderr: Writable = process.stderr,
): Output {
  return {
    json,
    line: (text = '') => stdout.write(`${text}\n`),
    error: (text) => stderr.write(`${text}\n`),
    result(value, human) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      else human();
    },
  };
}
