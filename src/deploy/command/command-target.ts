import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { HermesConfig } from '../../config/schema.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { Release, ReleaseInfo, Target } from '../target/target.ts';
import { printedHandle, runTargetCommand } from './run-target-command.ts';

const known = z.strictObject({ handle: z.string(), version: z.string(), deploymentId: z.uuid().nullable() });
const commandState = z.strictObject({ current: known.nullable(), previous: known.nullable() });
type Known = z.output<typeof known>;
type CommandState = z.output<typeof commandState>;

/**
 * The team's own shell commands (`deploy.command`): prepare, activate, current and rollback, each
 * with the release in its environment (HERMES_RELEASE_VERSION, _DIR, _URL, _HANDLE and
 * HERMES_DEPLOYMENT_ID). Hermes remembers which handle is live and which was before it.
 */
export class CommandTarget implements Target {
  readonly name = 'command' as const;
  readonly publicUrl: string;
  readonly #commands: HermesConfig['deploy']['command'];
  readonly #cwd: string;
  readonly #stateFile: string;

  constructor(cwd: string, config: Readonly<HermesConfig>) {
    const { command } = config.deploy;
    if (command.publicUrl === null || command.activate === null)
      throw new HermesError(
        'deploy_target_unsupported',
        'the command target needs deploy.command.activate and deploy.command.publicUrl in hermes.yaml',
      );
    this.#commands = command;
    this.publicUrl = command.publicUrl.replace(/\/$/, '');
    this.#cwd = cwd;
    this.#stateFile = join(resolve(cwd, config.deploy.local.dir), 'command-target.json');
  }

  #state(): CommandState {
    try {
      return commandState.parse(JSON.parse(readFileSync(this.#stateFile, 'utf8')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { current: null, previous: null };
      throw new HermesError('deploy_target_failed', `${this.#stateFile} is not the command target's state`);
    }
  }

  #save(state: CommandState): void {
    mkdirSync(dirname(this.#stateFile), { recursive: true });
    writeFileSync(`${this.#stateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(`${this.#stateFile}.tmp`, this.#stateFile);
  }

  #env(release: Pick<Release, 'version' | 'deploymentId'> & Partial<Release>, handle: string | null) {
    return {
      ...(release.env ?? {}),
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HERMES_RELEASE_VERSION: release.version,
      HERMES_RELEASE_URL: this.publicUrl,
      ...(release.bundleDir ? { HERMES_RELEASE_DIR: release.bundleDir } : {}),
      ...(handle === null ? {} : { HERMES_RELEASE_HANDLE: handle }),
      ...(release.deploymentId === null ? {} : { HERMES_DEPLOYMENT_ID: release.deploymentId }),
    };
  }

  #info(known: Known): ReleaseInfo {
    return { ...known, url: this.publicUrl, running: true };
  }

  plan(release: Release): Promise<string[]> {
    const { prepare, activate } = this.#commands;
    return Promise.resolve([
      prepare === null ? 'no prepare command' : `run deploy.command.prepare: ${prepare}`,
      `run deploy.command.activate: ${String(activate)}`,
      `with HERMES_RELEASE_VERSION=${release.version}, HERMES_RELEASE_DIR=${release.bundleDir}, HERMES_RELEASE_URL=${this.publicUrl}`,
    ]);
  }

  async prepare(release: Release): Promise<ReleaseInfo> {
    const { prepare } = this.#commands;
    const printed =
      prepare === null
        ? null
        : printedHandle(await runTargetCommand('prepare', prepare, this.#env(release, null), this.#cwd));
    return this.#info({
      handle: printed ?? release.version,
      version: release.version,
      deploymentId: release.deploymentId,
    });
  }

  async activate(prepared: ReleaseInfo): Promise<void> {
    await runTargetCommand(
      'activate',
      String(this.#commands.activate),
      this.#env(prepared, prepared.handle),
      this.#cwd,
    );
    const state = this.#state();
    const now: Known = {
      handle: prepared.handle,
      version: prepared.version,
      deploymentId: prepared.deploymentId,
    };
    this.#save({
      current: now,
      previous: state.current?.handle === now.handle ? state.previous : state.current,
    });
  }

  discard(): Promise<void> {
    // Nothing took traffic; what the prepare command made is the team's to keep or clean.
    return Promise.resolve();
  }

  async current(): Promise<ReleaseInfo | null> {
    const state = this.#state();
    const { current } = this.#commands;
    if (current === null) return state.current ? this.#info(state.current) : null;
    const handle = printedHandle(
      await runTargetCommand('current', current, { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, this.#cwd),
    );
    if (handle === null) return null;
    return this.#info(
      state.current?.handle === handle ? state.current : { handle, version: 'unknown', deploymentId: null },
    );
  }

  previous(): Promise<ReleaseInfo | null> {
    const { previous } = this.#state();
    return Promise.resolve(previous ? this.#info(previous) : null);
  }

  async rollback(): Promise<ReleaseInfo> {
    const state = this.#state();
    const { rollback } = this.#commands;
    if (state.previous === null)
      throw new HermesError('deploy_no_previous', 'the command target has no previous release');
    if (rollback === null)
      throw new HermesError('deploy_target_unsupported', 'deploy.command.rollback is not set');
    await runTargetCommand('rollback', rollback, this.#env(state.previous, state.previous.handle), this.#cwd);
    this.#save({ current: state.previous, previous: state.current });
    return this.#info(state.previous);
  }
}
