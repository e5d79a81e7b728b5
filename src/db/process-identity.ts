import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { errorCode } from './database-error.ts';

/** Enough about a process to tell later whether it still runs, even if its pid was reused. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly hostname: string;
  /** Linux's boot id: a holder recorded under another boot is gone. */
  readonly bootId: string | null;
  /** The pid namespace: a pid means nothing in another one (containers sharing a volume). */
  readonly pidNamespace: string | null;
  /** Start time in clock ticks since boot (/proc/<pid>/stat, field 22): tells a reused pid apart. */
  readonly startTicks: string | null;
}

export type Liveness = 'alive' | 'dead' | 'unknown';

function readOrNull(read: () => string): string | null {
  try {
    return read().trim();
  } catch {
    return null;
  }
}

export function processStartTicks(pid: number): string | null {
  const stat = readOrNull(() => readFileSync(`/proc/${String(pid)}/stat`, 'utf8'));
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may hold spaces or parentheses itself.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  return fields[19] ?? null;
}

export function currentProcessIdentity(): ProcessIdentity {
  return {
    pid: process.pid,
    hostname: hostname(),
    bootId: readOrNull(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pidNamespace: readOrNull(() => readlinkSync('/proc/self/ns/pid')),
    startTicks: processStartTicks(process.pid),
  };
}

/**
 * Whether the recorded process still runs. `unknown` when this process cannot see it (another
 * host or pid namespace), and the caller must fall back to something slower.
 */
export function livenessOf(holder: ProcessIdentity): Liveness {
  const self = currentProcessIdentity();
  if (holder.hostname !== self.hostname) return 'unknown';
  if (
    holder.pidNamespace !== null &&
    self.pidNamespace !== null &&
    holder.pidNamespace !== self.pidNamespace
  ) {
    return 'unknown';
  }
  if (holder.bootId !== null && self.bootId !== null && holder.bootId !== self.bootId) return 'dead';
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ESRCH') return 'dead';
    // EPERM: a process with that pid exists but belongs to another user.
    if (code !== 'EPERM') return 'unknown';
  }
  if (holder.startTicks !== null) {
    const now = processStartTicks(holder.pid);
    if (now !== null && now !== holder.startTicks) return 'dead';
  }
  return 'alive';
}

/** Parses a recorded identity, or null when `value` is not one. */
export function parseProcessIdentity(value: unknown): ProcessIdentity | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const text = (key: string): string | null => {
    const field = record[key];
    return typeof field === 'string' ? field : null;
  };
  const pid = record.pid;
  const host = text('hostname');
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0 || host === null) return null;
  return {
    pid,
    hostname: host,
    bootId: text('bootId'),
    pidNamespace: text('pidNamespace'),
    startTicks: text('startTicks'),
  };
}
