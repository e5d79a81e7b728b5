import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * A shell script that starts a grandchild (`sleep 30`) and writes its pid to a file, so that a
 * test can tell whether ending the process also ended what it started. `after` is shell run
 * before the script waits (printing a URL, say).
 */
export interface Grandchild {
  script: string;
  /** The grandchild's pid, once the script has written it. */
  pid(): Promise<number>;
}

const started: number[] = [];
const dirs: string[] = [];

// A failing test must not leave its `sleep 30` behind for the next one to trip over.
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already, as it should be.
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function grandchildScript(after = ''): Grandchild {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-subprocess-'));
  dirs.push(dir);
  const pidFile = join(dir, 'grandchild.pid');
  // The grandchild keeps the shell's stdout and stderr open, as a tool's worker would.
  const script = `sleep 30 & echo $! > '${pidFile}'; ${after} wait`;
  return {
    script,
    async pid() {
      const deadline = Date.now() + 5_000;
      for (;;) {
        let text = '';
        try {
          text = readFileSync(pidFile, 'utf8').trim();
        } catch {
          // Not written yet.
        }
        if (/^\d+$/.test(text)) {
          const pid = Number(text);
          started.push(pid);
          return pid;
        }
        if (Date.now() > deadline) throw new Error('the script never wrote its grandchild pid');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/** Alive: signal 0 reaches it and it is not a zombie waiting for a reaper. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

/** Resolves true once `pid` is gone, false if it is still there after `withinMs`. */
export async function goneWithin(pid: number, withinMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return !isAlive(pid);
}

/** `promise`, or 'pending' if it has not settled within `ms`: a test must not hang on a bug. */
export async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
