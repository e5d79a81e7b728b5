import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { CommandTarget } from '../../src/deploy/command/command-target.ts';
import type { Release, Target } from '../../src/deploy/target/target.ts';
import { HermesError, type HermesCode } from '../../src/errors/hermes-error.ts';
import { afterThisTest } from '../support/after-this-test.ts';

// The command target with real shell commands: small scripts that record the HERMES_RELEASE_*
// variables they were run with and print a handle, as a team's deploy scripts would.

const variables = [
  'HERMES_RELEASE_VERSION',
  'HERMES_RELEASE_DIR',
  'HERMES_RELEASE_URL',
  'HERMES_RELEASE_HANDLE',
  'HERMES_DEPLOYMENT_ID',
  'DATABASE_URL',
] as const;
type Recorded = { step: string } & Record<(typeof variables)[number], string | null>;

interface Scene {
  dir: string;
  log: string;
  script: string;
  /** `sh <script> <step>`, which records its environment and prints `printed` (by default `<step>-<version>`). */
  run(step: string): string;
  recorded(): Recorded[];
}

function scene(): Scene {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-command-target-'));
  afterThisTest(() => rm(dir, { recursive: true, force: true }));
  const log = join(dir, 'commands.log');
  const script = join(dir, 'record.sh');
  // One line per run: the step, then each variable or <unset>, separated by |.
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `line="$1"`,
      ...variables.map((name) => `line="$line|\${${name}-<unset>}"`),
      `printf '%s\\n' "$line" >> "${log}"`,
      'echo "working on $1..."',
      'echo',
      'if [ -n "$PRINT" ]; then echo "$PRINT"; else echo "$1-${HERMES_RELEASE_HANDLE:-$HERMES_RELEASE_VERSION}"; fi',
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o755);
  return {
    dir,
    log,
    script,
    run: (step) => `sh ${script} ${step}`,
    recorded() {
      let text: string;
      try {
        text = readFileSync(log, 'utf8');
      } catch {
        return [];
      }
      return text
        .trim()
        .split('\n')
        .map((line) => {
          const [step = '', ...values] = line.split('|');
          const entry: Recorded = {
            step,
            HERMES_RELEASE_VERSION: null,
            HERMES_RELEASE_DIR: null,
            HERMES_RELEASE_URL: null,
            HERMES_RELEASE_HANDLE: null,
            HERMES_DEPLOYMENT_ID: null,
            DATABASE_URL: null,
          };
          variables.forEach((name, index) => {
            const value = values[index];
            entry[name] = value === undefined || value === '<unset>' ? null : value;
          });
          return entry;
        });
    },
  };
}

type Commands = Partial<Record<'prepare' | 'activate' | 'current' | 'rollback' | 'publicUrl', string | null>>;

/** Typed as the pipeline sees it: through the Target interface. */
function commandTarget(s: Scene, commands: Commands, cwd = s.dir): Target {
  const config = configSchema.parse({
    deploy: {
      target: 'command',
      local: { dir: join(s.dir, 'state') },
      command: {
        prepare: s.run('prepare'),
        activate: s.run('activate'),
        current: null,
        rollback: s.run('rollback'),
        publicUrl: 'https://shop.example.test/',
        ...commands,
      },
    },
  });
  return new CommandTarget(cwd, config);
}

function release(s: Scene, version: string, deploymentId: string | null = randomUUID()): Release {
  return {
    deploymentId,
    version,
    bundleDir: join(s.dir, 'dist', version),
    sourceDir: s.dir,
    configFile: null,
    env: { DATABASE_URL: 'postgres://app@db/app', PATH: '/nowhere' },
  };
}

/** The HermesError `run` fails with (thrown or rejected), which must have `code`. */
async function failure(run: () => Promise<unknown>, code: HermesCode): Promise<HermesError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof HermesError && error.code === code) return error;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

function constructionFailure(make: () => unknown): unknown {
  try {
    make();
  } catch (error) {
    return error;
  }
  return undefined;
}

const signal = new AbortController().signal;

describe('the command target', () => {
  it('takes the handle prepare printed last, and runs prepare with the release in its environment', async () => {
    const s = scene();
    const target = commandTarget(s, {});
    const v1 = release(s, '1.0.0+abc1234');
    const prepared = await target.prepare(v1, signal);
    expect(prepared).toEqual({
      handle: 'prepare-1.0.0+abc1234',
      version: '1.0.0+abc1234',
      deploymentId: v1.deploymentId,
      url: 'https://shop.example.test',
      running: true,
    });
    expect(s.recorded()).toEqual([
      {
        step: 'prepare',
        HERMES_RELEASE_VERSION: '1.0.0+abc1234',
        HERMES_RELEASE_DIR: v1.bundleDir,
        HERMES_RELEASE_URL: 'https://shop.example.test',
        HERMES_RELEASE_HANDLE: null,
        HERMES_DEPLOYMENT_ID: v1.deploymentId,
        // The release's own environment is the commands' too.
        DATABASE_URL: 'postgres://app@db/app',
      },
    ]);
    expect(target.publicUrl).toBe('https://shop.example.test');
  });

  it('without a prepare command calls the release by its version and runs nothing', async () => {
    const s = scene();
    const target = commandTarget(s, { prepare: null });
    const prepared = await target.prepare(release(s, '2.0.0', null), signal);
    expect(prepared).toMatchObject({ handle: '2.0.0', version: '2.0.0', deploymentId: null });
    expect(s.recorded()).toEqual([]);
    // A prepare that prints nothing also leaves the version as the handle.
    const silent = commandTarget(s, { prepare: 'true' });
    expect((await silent.prepare(release(s, '2.0.1'), signal)).handle).toBe('2.0.1');
  });

  it('activate runs with the handle and records what is live now and what was before', async () => {
    const s = scene();
    const target = commandTarget(s, {});
    expect(await target.current()).toBeNull();
    expect(await target.previous()).toBeNull();

    const v1 = await target.prepare(release(s, '1.0.0'), signal);
    await target.activate(v1, signal);
    expect(await target.current()).toEqual(v1);
    expect(await target.previous()).toBeNull();

    const v2 = await target.prepare(release(s, '2.0.0'), signal);
    await target.activate(v2, signal);
    expect(await target.current()).toEqual(v2);
    expect(await target.previous()).toEqual(v1);

    // The live release again (a retried activation): what was before stays the previous.
    await target.activate(v2, signal);
    expect(await target.previous()).toEqual(v1);

    const activations = s.recorded().filter((r) => r.step === 'activate');
    expect(activations.map((r) => r.HERMES_RELEASE_HANDLE)).toEqual([
      'prepare-1.0.0',
      'prepare-2.0.0',
      'prepare-2.0.0',
    ]);
    expect(activations[0]).toMatchObject({
      HERMES_RELEASE_VERSION: '1.0.0',
      HERMES_RELEASE_URL: 'https://shop.example.test',
      HERMES_RELEASE_DIR: null,
      HERMES_DEPLOYMENT_ID: v1.deploymentId,
    });
    // A new target on the same directory knows the same (the state is a file).
    expect(await commandTarget(s, {}).previous()).toEqual(v1);
  });

  it('rollback runs the rollback command with the previous handle and swaps current and previous', async () => {
    const s = scene();
    const target = commandTarget(s, {});
    const v1 = await target.prepare(release(s, '1.0.0'), signal);
    await target.activate(v1, signal);
    const v2 = await target.prepare(release(s, '2.0.0', null), signal);
    await target.activate(v2, signal);

    expect(await target.rollback(signal)).toEqual(v1);
    expect(s.recorded().at(-1)).toEqual({
      step: 'rollback',
      HERMES_RELEASE_VERSION: '1.0.0',
      HERMES_RELEASE_DIR: null,
      HERMES_RELEASE_URL: 'https://shop.example.test',
      HERMES_RELEASE_HANDLE: 'prepare-1.0.0',
      HERMES_DEPLOYMENT_ID: v1.deploymentId,
      DATABASE_URL: null,
    });
    expect(await target.current()).toEqual(v1);
    expect(await target.previous()).toEqual(v2);

    // And forth again: v2 had no deployment, so none is passed.
    expect(await target.rollback(signal)).toEqual(v2);
    expect(s.recorded().at(-1)).toMatchObject({
      HERMES_RELEASE_HANDLE: 'prepare-2.0.0',
      HERMES_DEPLOYMENT_ID: null,
    });
  });

  it('refuses a rollback with no previous release (deploy_no_previous) or no rollback command', async () => {
    const s = scene();
    const target = commandTarget(s, {});
    await failure(() => target.rollback(signal), 'deploy_no_previous');
    const v1 = await target.prepare(release(s, '1.0.0'), signal);
    await target.activate(v1, signal);
    const error = await failure(() => target.rollback(signal), 'deploy_no_previous');
    expect(error.message).toBe('the command target has no previous release');

    await target.activate(await target.prepare(release(s, '2.0.0'), signal), signal);
    const noCommand = commandTarget(s, { rollback: null });
    const unsupported = await failure(() => noCommand.rollback(signal), 'deploy_target_unsupported');
    expect(unsupported.message).toContain('deploy.command.rollback');
    // Nothing changed.
    expect((await noCommand.current())?.version).toBe('2.0.0');
    expect(s.recorded().filter((r) => r.step === 'rollback')).toEqual([]);
  });

  it('cannot be opened without an activate command or a public URL (deploy_target_unsupported)', () => {
    const s = scene();
    for (const missing of [{ activate: null }, { publicUrl: null }] satisfies Commands[]) {
      const error = constructionFailure(() => commandTarget(s, missing));
      expect(error).toBeInstanceOf(HermesError);
      expect((error as HermesError).code).toBe('deploy_target_unsupported');
      expect((error as HermesError).message).toContain(
        'deploy.command.activate and deploy.command.publicUrl',
      );
    }
  });

  it('fails a step whose command fails with deploy_target_failed, its exit code and the end of its output', async () => {
    const s = scene();
    const failing = join(s.dir, 'failing.sh');
    writeFileSync(
      failing,
      '#!/bin/sh\nfor i in 1 2 3 4 5 6; do echo "out $i"; done\necho "err: quota exceeded" >&2\nexit 3\n',
    );
    const target = commandTarget(s, { prepare: `sh ${failing}` });
    const error = await failure(() => target.prepare(release(s, '1.0.0'), signal), 'deploy_target_failed');
    expect(error.message).toBe('deploy.command.prepare failed (exit 3)');
    expect(error.details).toEqual(['out 3\nout 4\nout 5\nout 6\nerr: quota exceeded']);

    const silent = await failure(
      () =>
        commandTarget(s, { activate: 'exit 4' }).activate(
          { handle: 'h', version: '1.0.0', deploymentId: null, url: '', running: true },
          signal,
        ),
      'deploy_target_failed',
    );
    expect(silent.message).toBe('deploy.command.activate failed (exit 4)');
    expect(silent.details).toEqual([]);
    // A failed activation records nothing.
    expect(await commandTarget(s, {}).current()).toBeNull();

    const killed = await failure(
      () => commandTarget(s, { prepare: 'echo going; kill -TERM $$' }).prepare(release(s, '1.0.0'), signal),
      'deploy_target_failed',
    );
    expect(killed.message).toBe('deploy.command.prepare failed (SIGTERM)');
    expect(killed.details).toEqual(['going']);
  });

  it('says why a command could not run at all (no such working directory)', async () => {
    const s = scene();
    const target = commandTarget(s, {}, join(s.dir, 'no-such-dir'));
    const error = await failure(() => target.prepare(release(s, '1.0.0'), signal), 'deploy_target_failed');
    expect(error.message).toMatch(/^deploy\.command\.prepare failed \(.*ENOENT.*\)$/);
  });

  it('asks the current command which release is live: the handle it printed', async () => {
    const s = scene();
    const plain = commandTarget(s, {});
    const v1 = await plain.prepare(release(s, '1.0.0'), signal);
    await plain.activate(v1, signal);

    // It prints the handle Hermes activated: Hermes knows its version and deployment.
    const knows = commandTarget(s, { current: `PRINT=${v1.handle} sh ${s.script} current` });
    expect(await knows.current()).toEqual(v1);
    // It prints another (someone deployed by hand): only its handle is known.
    const other = commandTarget(s, { current: 'echo "checking"; echo "  dpl_by_hand  "' });
    expect(await other.current()).toEqual({
      handle: 'dpl_by_hand',
      version: 'unknown',
      deploymentId: null,
      url: 'https://shop.example.test',
      running: true,
    });
    // It prints nothing: nothing is live.
    expect(await commandTarget(s, { current: 'true' }).current()).toBeNull();
    // It runs with PATH alone, none of the release's variables.
    expect(s.recorded().at(-1)).toMatchObject({
      step: 'current',
      HERMES_RELEASE_VERSION: null,
      HERMES_RELEASE_HANDLE: null,
      DATABASE_URL: null,
    });
    await failure(() => commandTarget(s, { current: 'exit 1' }).current(), 'deploy_target_failed');
  });

  it('refuses a state file that is not its own with deploy_target_failed', async () => {
    const s = scene();
    const target = commandTarget(s, {});
    mkdirSync(join(s.dir, 'state'), { recursive: true });
    const file = join(s.dir, 'state', 'command-target.json');
    writeFileSync(file, '{"current": {"handle": 1}}');
    const error = await failure(() => target.previous(), 'deploy_target_failed');
    expect(error.message).toBe(`${file} is not the command target's state`);
    writeFileSync(file, 'not json');
    await failure(() => target.current(), 'deploy_target_failed');
  });

  it('runs its commands with the deploying PATH, not the release’s, and a usual one when there is none', async () => {
    const s = scene();
    const printPath = { prepare: 'echo "$PATH"', current: 'echo "$PATH"' };
    const target = commandTarget(s, printPath);
    // The release's env says PATH=/nowhere: the commands still find their tools.
    expect((await target.prepare(release(s, '1.0.0'), signal)).handle).toBe(process.env['PATH']);
    vi.stubEnv('PATH', undefined);
    try {
      expect((await target.prepare(release(s, '1.0.0'), signal)).handle).toBe('/usr/bin:/bin');
      expect((await target.current())?.handle).toBe('/usr/bin:/bin');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('plans the commands it would run, and lets a discarded release be', async () => {
    const s = scene();
    const v1 = release(s, '1.0.0');
    expect(await commandTarget(s, {}).plan(v1)).toEqual([
      `run deploy.command.prepare: ${s.run('prepare')}`,
      `run deploy.command.activate: ${s.run('activate')}`,
      `with HERMES_RELEASE_VERSION=1.0.0, HERMES_RELEASE_DIR=${v1.bundleDir}, HERMES_RELEASE_URL=https://shop.example.test`,
    ]);
    const noPrepare = commandTarget(s, { prepare: null });
    expect((await noPrepare.plan(v1))[0]).toBe('no prepare command');
    await noPrepare.discard(await noPrepare.prepare(v1, signal));
    expect(s.recorded()).toEqual([]);
  });
});
