import { spawn } from 'node:child_process';
import type { BoundedCapture } from './bounded-capture.ts';

/** A program with its arguments (no shell), or a command line for `/bin/sh -c`. */
export type GroupCommand =
  { readonly file: string; readonly args: readonly string[] } | { readonly shell: string };

export type OutputStream = 'stdout' | 'stderr';

export interface SpawnGroupOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Aborting it ends the whole group, the way `abortGraceMs` says. */
  signal?: AbortSignal;
  /** 0: SIGKILL at once on abort; otherwise SIGTERM, then SIGKILL after this many ms. */
  abortGraceMs: number;
  /** Where each stream goes; the same capture twice interleaves them as they come. */
  stdout: BoundedCapture;
  stderr: BoundedCapture;
  /** Called after each chunk is captured (a service's URL is looked for as it is printed). */
  onOutput?: (stream: OutputStream) => void;
}

export interface GroupExit {
  /** null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  durationMs: number;
}

export interface GroupProcess {
  /** The process's pid, which is also its group's id; undefined when it could not start. */
  readonly pid: number | undefined;
  /**
   * Settles once the process has exited and its output has closed (so everything that held the
   * output is gone too); rejects when it could not be started (ENOENT, say).
   */
  readonly done: Promise<GroupExit>;
  /** Until `done`: something in the group may still run. */
  running(): boolean;
  /** Sends `signal` to every process in the group; false when there was nothing left to signal. */
  killGroup(signal: NodeJS.Signals): boolean;
  /** SIGTERM to the group, SIGKILL after `graceMs` unless it has ended by then. */
  stop(graceMs: number): Promise<GroupExit>;
}

function argv(command: GroupCommand): [string, readonly string[]] {
  return 'shell' in command ? ['/bin/sh', ['-c', command.shell]] : [command.file, command.args];
}

/**
 * Starts a process as the leader of its own process group (`detached`), so that ending it ends
 * everything it started too: npm's node, vitest's workers, a shell's pipeline. Node's own
 * `signal` option would kill the direct child only and leave those running.
 *
 * The group is signalled until `done`, not only until the leader exits: a leader that exited
 * while its children still hold the output would otherwise make the caller wait on them for
 * ever. The pid cannot be handed to a new process meanwhile: the kernel keeps a group's id in use
 * while any member lives (only output held by a process that left the group, with setsid, leaves
 * a window), and once the output has closed nothing is signalled any more.
 */
export function spawnGroup(command: GroupCommand, options: SpawnGroupOptions): GroupProcess {
  const started = performance.now();
  const [file, args] = argv(command);
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let closed = false;
  let killTimer: NodeJS.Timeout | undefined;

  child.stdout.on('data', (chunk: Buffer) => {
    options.stdout.push(chunk);
    options.onOutput?.('stdout');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    options.stderr.push(chunk);
    options.onOutput?.('stderr');
  });

  const killGroup = (signal: NodeJS.Signals): boolean => {
    if (closed || child.pid === undefined) return false;
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      // ESRCH: the group has no member left.
      return false;
    }
  };
  const terminate = (graceMs: number): void => {
    if (graceMs <= 0) {
      killGroup('SIGKILL');
      return;
    }
    if (!killGroup('SIGTERM') || killTimer !== undefined) return;
    killTimer = setTimeout(() => killGroup('SIGKILL'), graceMs);
  };
  const onAbort = (): void => terminate(options.abortGraceMs);

  const done = new Promise<GroupExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      closed = true;
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, durationMs: Math.round(performance.now() - started) });
    });
  });
  // A failed start rejects `done` for whoever awaits it; nobody awaiting is no crash.
  done.catch(() => undefined);

  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    pid: child.pid,
    done,
    running: () => !closed,
    killGroup,
    stop(graceMs) {
      terminate(graceMs);
      return done;
    },
  };
}
