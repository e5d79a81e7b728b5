import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  currentProcessIdentity,
  livenessOf,
  parseProcessIdentity,
  processStartTicks,
} from '../../src/db/process-identity.ts';

// Whether the process that holds an embedded database's lock still runs: what lets a lock left by
// a process killed -9 be taken over at once, and what must never take a live holder for dead.

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function sleeper(command = 'sleep'): number {
  const child = spawn(command, ['60']);
  children.push(child);
  if (child.pid === undefined) throw new Error('sleep did not start');
  return child.pid;
}

describe('livenessOf', () => {
  it('sees a running process as alive, and one that has exited as dead', () => {
    const pid = sleeper();
    const self = currentProcessIdentity();
    expect(livenessOf({ ...self, pid, startTicks: processStartTicks(pid) })).toBe('alive');
    expect(livenessOf({ ...self, pid: spawnSync('true').pid, startTicks: null })).toBe('dead');
  });

  it('takes a pid that now belongs to a process started at another time for dead', () => {
    const pid = sleeper();
    expect(livenessOf({ ...currentProcessIdentity(), pid, startTicks: '1' })).toBe('dead');
  });

  it('cannot judge a holder in another pid namespace or on another host, even if its pid runs here', () => {
    const self = currentProcessIdentity();
    expect(livenessOf({ ...self, pidNamespace: 'pid:[1]' })).toBe('unknown');
    expect(livenessOf({ ...self, hostname: `not-${self.hostname}` })).toBe('unknown');
    // Unknown namespaces (an older record) do not make it unknown.
    expect(livenessOf({ ...self, pidNamespace: null })).toBe('alive');
  });
});

describe('processStartTicks', () => {
  it('reads the start time of a running process (also when its name holds spaces and parentheses), null once gone', () => {
    const self = processStartTicks(process.pid);
    expect(self).toMatch(/^\d+$/);
    // Field 22 of /proc/<pid>/stat: the same for the whole life of the process.
    expect(processStartTicks(process.pid)).toBe(self);
    expect(processStartTicks(spawnSync('true').pid)).toBeNull();

    // /proc/<pid>/stat's field 2 is `(name)`, and the name may hold ") (": read past the last one.
    const oddName = join(mkdtempSync(join(tmpdir(), 'hermes-identity-')), 'x) 1 (y');
    copyFileSync('/bin/sleep', oddName);
    const odd = processStartTicks(sleeper(oddName));
    expect(odd).toMatch(/^\d+$/);
    // Started after this process: a later (or equal) tick count, not a field shifted by the name.
    expect(Number(odd)).toBeGreaterThanOrEqual(Number(self));
  });
});

describe('parseProcessIdentity', () => {
  it('reads a recorded identity, with the optional fields null when absent', () => {
    expect(parseProcessIdentity({ pid: 42, hostname: 'h', bootId: 'b', startTicks: 7 })).toEqual({
      pid: 42,
      hostname: 'h',
      bootId: 'b',
      pidNamespace: null,
      startTicks: null,
    });
  });

  it('refuses what is not an identity: no object, no positive integer pid, no hostname', () => {
    for (const value of [null, 'pid 42', 42, [42]]) expect(parseProcessIdentity(value)).toBeNull();
    for (const pid of [0, -1, 1.5, '42', 2 ** 53])
      expect(parseProcessIdentity({ pid, hostname: 'h' })).toBeNull();
    expect(parseProcessIdentity({ pid: 42 })).toBeNull();
    expect(parseProcessIdentity({ pid: 42, hostname: 7 })).toBeNull();
  });
});
