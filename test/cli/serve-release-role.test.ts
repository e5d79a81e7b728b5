import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { followReleaseRole } from '../../src/cli/commands/serve/release-role.ts';
import { createLogger } from '../../src/observability/logger.ts';
import type { ReleaseRole } from '../../src/runtime/release-role.ts';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly role?: ReleaseRole;
  readonly was?: ReleaseRole | null;
  readonly file?: string;
  readonly err?: { readonly message: string };
}

interface Following {
  /** The role file (absent until a test writes it). */
  readonly file: string;
  /** Every role handed to `apply`, in order (a failed one too). */
  readonly applied: ReleaseRole[];
  readonly logs: LogLine[];
  readonly ready: Promise<void>;
  write(text: string): void;
  remove(): void;
}

const changed = 'release role changed';

/** An empty directory for the test's role file, removed when the test ends. */
function roleFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-role-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'role');
}

/**
 * Follows a role file (written with `initial` first, unless undefined) with a logger whose lines
 * the test reads, applying through `apply`; the SIGUSR2 listener is removed when the test ends.
 */
function follow(
  initial: string | undefined,
  apply: (role: ReleaseRole) => Promise<void> = () => Promise.resolve(),
): Following {
  const file = roleFile();
  const write = (text: string) => writeFileSync(file, text);
  if (initial !== undefined) write(initial);
  const logs: LogLine[] = [];
  const logger = createLogger('info', {
    write: (line: string) => {
      logs.push(JSON.parse(line) as LogLine);
    },
  });
  const applied: ReleaseRole[] = [];
  const following = followReleaseRole(file, logger, (role) => {
    applied.push(role);
    return apply(role);
  });
  onTestFinished(() => following.stop());
  return { file, applied, logs, ready: following.ready, write, remove: () => rmSync(file) };
}

/** What a deploy target's `kill -USR2` does, without signalling the test process. */
async function signal(): Promise<void> {
  process.emit('SIGUSR2');
  // A change with nothing before it runs in microtasks: done before the next turn of the loop.
  await new Promise((resolve) => setImmediate(resolve));
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (const deadline = Date.now() + 5_000; !check();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const changes = (logs: readonly LogLine[]) =>
  logs.filter((line) => line.msg === changed).map(({ role, was }) => ({ role, was }));
const messages = (logs: readonly LogLine[], level: number) =>
  logs.filter((line) => line.level === level).map((line) => line.msg);

describe('followReleaseRole', () => {
  it('applies the role in the file at once (ready once applied), logging no change', async () => {
    let done = false;
    const role = follow('standby\n', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      done = true;
    });
    await role.ready;
    expect(done).toBe(true);
    expect(role.applied).toEqual(['standby']);
    expect(role.logs).toEqual([]);
  });

  it('applies the new role on each SIGUSR2, logging each change; the same role again is not reapplied', async () => {
    const role = follow('standby\n');
    await role.ready;
    role.write('live\n');
    await signal();
    expect(role.applied).toEqual(['standby', 'live']);
    // Nothing changed: nothing applied, nothing logged.
    await signal();
    expect(role.applied).toEqual(['standby', 'live']);
    role.write('standby\n');
    await signal();
    role.write('live\n');
    await signal();
    expect(role.applied).toEqual(['standby', 'live', 'standby', 'live']);
    expect(changes(role.logs)).toEqual([
      { role: 'live', was: 'standby' },
      { role: 'standby', was: 'live' },
      { role: 'live', was: 'standby' },
    ]);
    expect(messages(role.logs, 30)).toEqual([changed, changed, changed]);
  });

  it('applies one change at a time, in order: a signal during a change waits for it', async () => {
    let active = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const role = follow('live', async (next) => {
      active += 1;
      most = Math.max(most, active);
      // Turning standby waits (the worker finishing its deliveries) until the test releases it.
      if (next === 'standby') await new Promise<void>((resolve) => (release = resolve));
      active -= 1;
    });
    await role.ready;
    role.write('standby');
    await signal();
    expect(role.applied).toEqual(['live', 'standby']);
    role.write('live');
    await signal();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Turning live again waits for the standby change under way.
    expect(role.applied).toEqual(['live', 'standby']);
    release();
    await until(() => role.applied.length === 3, 'the live change');
    expect(role.applied).toEqual(['live', 'standby', 'live']);
    expect(most).toBe(1);
    expect(changes(role.logs)).toEqual([
      { role: 'standby', was: 'live' },
      { role: 'live', was: 'standby' },
    ]);
  });

  it('keeps the current role when the file names none, and warns', async () => {
    const role = follow('standby');
    await role.ready;
    for (const garbage of ['blue\n', '', 'LIVE', '\u0000\u00ff{not a role}']) {
      role.write(garbage);
      await signal();
    }
    expect(role.applied).toEqual(['standby']);
    const warnings = role.logs.filter((line) => line.level === 40);
    expect(warnings).toHaveLength(4);
    expect(warnings.every((line) => line.file === role.file)).toBe(true);
    expect(new Set(warnings.map((line) => line.msg))).toEqual(
      new Set(['release role: the file names no role (live or standby)']),
    );
    expect(changes(role.logs)).toEqual([]);
    // A role in the file again is applied.
    role.write('live\n');
    await signal();
    expect(role.applied).toEqual(['standby', 'live']);
  });

  it('keeps the current role when the file cannot be read (removed, or a directory), and warns', async () => {
    const role = follow('standby');
    await role.ready;
    role.remove();
    await signal();
    expect(role.applied).toEqual(['standby']);
    const [warning] = role.logs.filter((line) => line.level === 40);
    expect(warning).toMatchObject({ msg: 'release role: cannot read the role file', file: role.file });
    expect(warning?.err?.message).toContain('ENOENT');
    mkdirSync(role.file);
    await signal();
    expect(role.applied).toEqual(['standby']);
    const warnings = role.logs.filter((line) => line.level === 40);
    expect(warnings.map((line) => line.err?.message)).toEqual([
      expect.stringContaining('ENOENT') as unknown,
      expect.stringContaining('EISDIR') as unknown,
    ]);
    rmSync(role.file, { recursive: true });
    role.write('live');
    await signal();
    expect(role.applied).toEqual(['standby', 'live']);
  });

  it('is live at first when the file is missing or names no role', async () => {
    const missing = follow(undefined);
    await missing.ready;
    expect(missing.applied).toEqual(['live']);
    expect(messages(missing.logs, 40)).toEqual(['release role: cannot read the role file']);

    const garbage = follow('green\n');
    await garbage.ready;
    expect(garbage.applied).toEqual(['live']);
    expect(messages(garbage.logs, 40)).toEqual(['release role: the file names no role (live or standby)']);
    expect(changes([...missing.logs, ...garbage.logs])).toEqual([]);
  });

  it('rejects ready when the first role cannot be applied, and leaves the report to its caller', async () => {
    const role = follow('live', () => Promise.reject(new Error('the worker cannot start')));
    await expect(role.ready).rejects.toThrow('the worker cannot start');
    expect(role.logs).toEqual([]);
  });

  it('logs a change that failed, keeps the role it had, and applies it on the next SIGUSR2', async () => {
    let failures = 1;
    const role = follow('standby', async (next) => {
      await Promise.resolve();
      if (next === 'live' && failures-- > 0) throw new Error('the worker cannot start');
    });
    await role.ready;
    role.write('live');
    await signal();
    await until(() => role.logs.some((line) => line.level === 50), 'the error logged');
    expect(role.logs.find((line) => line.level === 50)).toMatchObject({
      msg: 'release role: cannot apply the role',
      file: role.file,
      err: { message: 'the worker cannot start' },
    });
    // Still standby: the same file applies again (not "unchanged"), and later changes still apply.
    await signal();
    await until(() => role.applied.length === 3, 'the retry');
    role.write('standby');
    await signal();
    await until(() => role.applied.length === 4, 'the next change');
    expect(role.applied).toEqual(['standby', 'live', 'live', 'standby']);
    expect(changes(role.logs)).toEqual([
      { role: 'live', was: 'standby' },
      { role: 'live', was: 'standby' },
      { role: 'standby', was: 'live' },
    ]);
  });

  it('stop() removes its SIGUSR2 listener: a later signal changes nothing', async () => {
    const before = process.listenerCount('SIGUSR2');
    const file = roleFile();
    writeFileSync(file, 'standby');
    const applied: ReleaseRole[] = [];
    const following = followReleaseRole(file, createLogger('silent'), (role) => {
      applied.push(role);
      return Promise.resolve();
    });
    expect(process.listenerCount('SIGUSR2')).toBe(before + 1);
    await following.ready;
    following.stop();
    expect(process.listenerCount('SIGUSR2')).toBe(before);
    writeFileSync(file, 'live');
    await signal();
    expect(applied).toEqual(['standby']);
  });
});
