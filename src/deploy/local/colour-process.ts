import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { processStartTicks } from '../../db/process-identity.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { ReleaseRole } from '../../runtime/release-role.ts';
import { poll } from './poll.ts';
import { bundleFile } from './release-dir.ts';

export interface ColourProcess {
  pid: number;
  startTicks: string | null;
}

export interface StartColour {
  releaseDir: string;
  port: number;
  env: Readonly<Record<string, string>>;
  deploymentId: string | null;
  roleFile: string;
  logFile: string;
}

/** Whether the recorded process still runs (and is the same process, not a reused pid). */
export function colourAlive(process_: ColourProcess | null): boolean {
  // kill(0) and kill(-1) would signal a whole process group, or every process: never a colour.
  if (process_ === null || process_.pid <= 0) return false;
  try {
    process.kill(process_.pid, 0);
  } catch {
    return false;
  }
  return process_.startTicks === null || processStartTicks(process_.pid) === process_.startTicks;
}

export function writeRole(roleFile: string, role: ReleaseRole): void {
  mkdirSync(dirname(roleFile), { recursive: true });
  writeFileSync(roleFile, `${role}\n`);
}

/**
 * Starts `hermes serve` from the release's own directory, as a process of its own that outlives
 * the deploying command (detached, output to its log file). It starts as a standby: it delivers
 * nothing until the target makes it live.
 */
export function startColour(options: StartColour): ColourProcess {
  writeRole(options.roleFile, 'standby');
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, 'a');
  const configFile = join(options.releaseDir, 'hermes.yaml');
  try {
    const child = spawn(process.execPath, [join(options.releaseDir, bundleFile), 'serve', '--no-pretty'], {
      cwd: options.releaseDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...options.env,
        HOST: '127.0.0.1',
        PORT: String(options.port),
        HERMES_ROLE_FILE: options.roleFile,
        ...(existsSync(configFile) ? { HERMES_CONFIG: configFile } : {}),
        ...(options.deploymentId === null ? {} : { HERMES_DEPLOYMENT_ID: options.deploymentId }),
      },
    });
    child.unref();
    // A spawn that fails (no such cwd) also emits 'error': unheard, it would crash this process.
    child.once('error', () => undefined);
    if (child.pid === undefined)
      throw new HermesError('deploy_target_failed', `${process.execPath} could not start`);
    return { pid: child.pid, startTicks: processStartTicks(child.pid) };
  } finally {
    closeSync(log);
  }
}

/** The end of a colour's log, for an error that says why it did not start. */
export function logTail(logFile: string, lines = 5): string {
  try {
    return readFileSync(logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Waits until the colour answers /readyz 200; fails when it exits first or the deadline passes,
 * with the end of its log.
 */
export async function waitUntilReady(
  url: string,
  colour: ColourProcess,
  options: { timeoutMs: number; logFile: string; signal: AbortSignal },
): Promise<void> {
  const last = await poll(
    async () => {
      if (!colourAlive(colour)) {
        throw new HermesError('deploy_target_failed', `the release exited before it was ready`, {
          details: [logTail(options.logFile)].filter((line) => line !== ''),
        });
      }
      try {
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return null;
        return `/readyz answered ${String(response.status)}: ${(await response.text()).slice(0, 200)}`;
      } catch (error) {
        return `/readyz: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    { timeoutMs: options.timeoutMs, intervalMs: 200, signal: options.signal },
  );
  if (last === null) return;
  throw new HermesError(
    'deploy_target_failed',
    `the release was not ready within ${String(options.timeoutMs)} ms (${last})`,
    {
      details: [logTail(options.logFile)].filter((line) => line !== ''),
    },
  );
}

/** SIGTERM (it drains: in-flight requests finish, the worker stops), SIGKILL after `graceMs`. */
export async function stopColour(colour: ColourProcess, graceMs: number): Promise<void> {
  if (!colourAlive(colour)) return;
  process.kill(colour.pid, 'SIGTERM');
  await poll(() => Promise.resolve(colourAlive(colour) ? 'running' : null), {
    timeoutMs: graceMs,
    intervalMs: 50,
  });
  if (colourAlive(colour)) process.kill(colour.pid, 'SIGKILL');
}

/** Tells a running colour its new role (SIGUSR2 makes it re-read the role file). */
export function signalRole(colour: ColourProcess, roleFile: string, role: ReleaseRole): void {
  writeRole(roleFile, role);
  if (colourAlive(colour)) process.kill(colour.pid, 'SIGUSR2');
}
