import type { HermesConfig } from '../../config/schema.ts';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../../errors/error-message.ts';
import { HermesError } from '../../errors/hermes-error.ts';
import type { AssetsHome, Release, ReleaseInfo, Target } from '../target/target.ts';
import {
  colourAlive,
  signalRole,
  startColour,
  stopColour,
  waitUntilReady,
  type ColourProcess,
} from './colour-process.ts';
import {
  localLayout,
  logFileOf,
  otherColour,
  roleFileOf,
  type Colour,
  type LocalLayout,
} from './local-layout.ts';
import {
  readLocalState,
  withColour,
  writeLocalState,
  type ColourSlot,
  type LocalState,
} from './local-state.ts';
import { Nginx } from './nginx.ts';
import type { NginxSite } from './nginx-config.ts';
import { createReleaseDir, readReleaseEnv } from './release-dir.ts';
import { poll } from './poll.ts';
import { waitForRelease } from './wait-for-release.ts';

export interface ColourStatus {
  colour: Colour;
  live: boolean;
  running: boolean;
  version: string;
  deploymentId: string | null;
  port: number;
  url: string;
}

export interface LocalStatus {
  publicUrl: string;
  nginxRunning: boolean;
  live: Colour | null;
  colours: ColourStatus[];
}

/**
 * After nginx started or reloaded: until a file put in `dir` is served at `baseUrl` (a reload's old
 * workers, without the files' location, may still answer for a moment).
 */
async function servingFiles(dir: string, baseUrl: string): Promise<void> {
  const probe = `.probe-${randomUUID()}.txt`;
  writeFileSync(join(dir, probe), probe);
  try {
    const last = await poll(
      async () => {
        try {
          const response = await fetch(`${baseUrl}/${probe}`, { signal: AbortSignal.timeout(2_000) });
          const body = await response.text();
          return response.status === 200 && body === probe ? null : `answered ${String(response.status)}`;
        } catch (error) {
          return errorMessage(error);
        }
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    if (last !== null)
      throw new HermesError(
        'deploy_target_failed',
        `nginx did not serve ${dir} at ${baseUrl} within 10 s (${last})`,
      );
  } finally {
    rmSync(join(dir, probe), { force: true });
  }
}

const processOf = (slot: ColourSlot): ColourProcess | null =>
  slot.pid === null ? null : { pid: slot.pid, startTicks: slot.startTicks };

const privateUrl = (port: number) => `http://127.0.0.1:${String(port)}`;

/**
 * Blue/green on this host: two `hermes serve` processes on private ports behind Debian's nginx,
 * which Hermes configures under its own prefix and reloads. The colour traffic left stays running
 * as a standby (delivering nothing) for an instant switch back.
 */
export class LocalTarget implements Target {
  readonly name = 'local' as const;
  readonly publicUrl: string;
  readonly #config: Readonly<HermesConfig>;
  readonly #layout: LocalLayout;
  readonly #nginx: Nginx;

  constructor(cwd: string, config: Readonly<HermesConfig>) {
    const { local } = config.deploy;
    this.#config = config;
    this.#layout = localLayout(cwd, config);
    this.#nginx = new Nginx(local.nginx, this.#layout);
    this.publicUrl = `http://${local.host}:${String(local.port)}`;
  }

  get layout(): LocalLayout {
    return this.#layout;
  }

  #state(): LocalState {
    return readLocalState(this.#layout.stateFile);
  }

  /** The colour a new release goes to: the one not live. */
  #idle(state: LocalState): Colour {
    return state.live === null ? 'blue' : otherColour(state.live);
  }

  /** Where nginx listens and what it serves as files; the upstream is the caller's. */
  #site(): Omit<NginxSite, 'upstreamPort'> {
    const { local } = this.#config.deploy;
    return {
      listenHost: local.host,
      listenPort: local.port,
      publicRoot: this.#layout.publicRoot,
      workerUser: process.getuid?.() === 0 ? userInfo().username : null,
      maxBodyBytes: this.#config.server.bodyLimitBytes,
    };
  }

  #stopGraceMs(): number {
    // The release's own drain, plus its delivery worker finishing what it sends.
    return this.#config.server.shutdownGraceMs + 5_000;
  }

  #info(colour: Colour, slot: ColourSlot): ReleaseInfo {
    return {
      handle: colour,
      version: slot.version,
      deploymentId: slot.deploymentId,
      url: privateUrl(slot.port),
      running: colourAlive(processOf(slot)),
    };
  }

  plan(release: Release): Promise<string[]> {
    const state = this.#state();
    const colour = this.#idle(state);
    const port = this.#config.deploy.local.ports[colour];
    const standing = state.colours[colour];
    const live = state.live === null ? null : state.colours[state.live];
    return Promise.resolve([
      `copy ${release.bundleDir} into ${this.#layout.releasesDir}/ (with its environment and hermes.yaml)`,
      ...(standing && colourAlive(processOf(standing))
        ? [`stop the standby ${colour} release (${standing.version})`]
        : []),
      `start hermes serve (${colour}) on ${privateUrl(port)} and wait for /readyz`,
      `point nginx (${this.#layout.nginxConf}) at ${colour}: nginx -t, then ${
        this.#nginx.pid() === null ? 'start nginx' : 'nginx -s reload'
      }; wait until ${this.publicUrl} serves it`,
      live && state.live
        ? `make ${state.live} (${live.version}) the standby: it finishes its requests, its delivery worker pauses, it keeps running for a switch back`
        : 'no release is live yet: nothing to keep as standby',
    ]);
  }

  async prepare(release: Release, signal: AbortSignal): Promise<ReleaseInfo> {
    const state = this.#state();
    const colour = this.#idle(state);
    const standing = state.colours[colour];
    const standingProcess = standing ? processOf(standing) : null;
    if (standingProcess) await stopColour(standingProcess, this.#stopGraceMs());
    const releaseDir = createReleaseDir(this.#layout, release, new Date());
    const slot = {
      deploymentId: release.deploymentId,
      version: release.version,
      releaseDir,
      port: this.#config.deploy.local.ports[colour],
    };
    return this.#start(colour, slot, release.env, signal);
  }

  /** Starts a colour from its release directory and waits until it is ready; recorded either way. */
  async #start(
    colour: Colour,
    slot: Omit<ColourSlot, 'pid' | 'startTicks'>,
    env: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<ReleaseInfo> {
    const logFile = logFileOf(this.#layout, colour);
    const started = startColour({
      releaseDir: slot.releaseDir,
      port: slot.port,
      env,
      deploymentId: slot.deploymentId,
      roleFile: roleFileOf(this.#layout, colour),
      logFile,
    });
    const running: ColourSlot = { ...slot, pid: started.pid, startTicks: started.startTicks };
    writeLocalState(this.#layout.stateFile, withColour(this.#state(), colour, running));
    try {
      await waitUntilReady(privateUrl(slot.port), started, {
        timeoutMs: this.#config.deploy.local.readyTimeout,
        logFile,
        signal,
      });
    } catch (error) {
      await stopColour(started, this.#stopGraceMs());
      writeLocalState(
        this.#layout.stateFile,
        withColour(this.#state(), colour, { ...running, pid: null, startTicks: null }),
      );
      throw error;
    }
    return this.#info(colour, running);
  }

  async activate(prepared: ReleaseInfo, signal: AbortSignal): Promise<void> {
    await this.#switchTo(prepared.handle as Colour, signal);
  }

  /** nginx to `colour`, which turns live; the colour live before becomes the standby. */
  async #switchTo(colour: Colour, signal: AbortSignal): Promise<void> {
    const state = this.#state();
    const slot = state.colours[colour];
    const process_ = slot ? processOf(slot) : null;
    if (!slot || !colourAlive(process_) || process_ === null)
      throw new HermesError(
        'deploy_target_failed',
        `the ${colour} release is not running: it cannot take traffic`,
      );
    const roleFile = roleFileOf(this.#layout, colour);
    // Live before traffic arrives, so that its delivery worker runs when its first lead does.
    signalRole(process_, roleFile, 'live');
    const { local } = this.#config.deploy;
    const site = this.#site();
    let applied = false;
    try {
      await this.#nginx.apply({ ...site, upstreamPort: slot.port });
      applied = true;
      await waitForRelease(this.publicUrl, {
        deploymentId: slot.deploymentId,
        timeoutMs: local.switchTimeout,
        signal,
      });
    } catch (error) {
      if (state.live !== colour) {
        signalRole(process_, roleFile, 'standby');
        if (applied) await this.#switchBack(state, site, signal);
      }
      throw error;
    }
    const before = state.live;
    writeLocalState(this.#layout.stateFile, { ...this.#state(), live: colour });
    const beforeSlot = before === null || before === colour ? null : state.colours[before];
    const beforeProcess = beforeSlot ? processOf(beforeSlot) : null;
    if (before !== null && beforeProcess !== null)
      signalRole(beforeProcess, roleFileOf(this.#layout, before), 'standby');
  }

  /**
   * After a switch that nginx took but the release did not serve in time: nginx back to the colour
   * still live (none before the first release) and until it serves it, so that letting the new
   * colour go (discard) does not leave nginx sending requests to a stopped process. Best effort:
   * the switch's own error says what went wrong.
   */
  async #switchBack(
    state: LocalState,
    site: Omit<NginxSite, 'upstreamPort'>,
    signal: AbortSignal,
  ): Promise<void> {
    const live = state.live === null ? null : state.colours[state.live];
    try {
      await this.#nginx.apply({ ...site, upstreamPort: live?.port ?? null });
      if (live)
        await waitForRelease(this.publicUrl, {
          deploymentId: live.deploymentId,
          timeoutMs: this.#config.deploy.local.switchTimeout,
          signal,
        });
    } catch {
      // Reported by the caller's error.
    }
  }

  /** Stops a release that is not live and forgets it: a failed release is never a switch-back target. */
  async discard(prepared: ReleaseInfo): Promise<void> {
    const colour = prepared.handle as Colour;
    const state = this.#state();
    const slot = state.colours[colour];
    if (!slot || state.live === colour) return;
    const process_ = processOf(slot);
    if (process_) await stopColour(process_, this.#stopGraceMs());
    writeLocalState(this.#layout.stateFile, withColour(this.#state(), colour, null));
  }

  current(): Promise<ReleaseInfo | null> {
    const state = this.#state();
    const slot = state.live === null ? null : state.colours[state.live];
    return Promise.resolve(state.live && slot ? this.#info(state.live, slot) : null);
  }

  previous(): Promise<ReleaseInfo | null> {
    const state = this.#state();
    if (state.live === null) return Promise.resolve(null);
    const colour = otherColour(state.live);
    const slot = state.colours[colour];
    return Promise.resolve(slot ? this.#info(colour, slot) : null);
  }

  async rollback(signal: AbortSignal): Promise<ReleaseInfo> {
    const state = this.#state();
    if (state.live === null)
      throw new HermesError('deploy_no_previous', 'no release is live on the local target');
    const colour = otherColour(state.live);
    const slot = state.colours[colour];
    if (!slot)
      throw new HermesError(
        'deploy_no_previous',
        `the local target has no previous release (${colour} never ran one)`,
      );
    // A standby that was stopped (hermes deploy stop, a reboot) starts again with its own environment.
    if (!colourAlive(processOf(slot)))
      await this.#start(colour, slot, readReleaseEnv(slot.releaseDir), signal);
    await this.#switchTo(colour, signal);
    return this.#info(colour, this.#state().colours[colour] ?? slot);
  }

  /** `public/assets/` under the target's directory, served by nginx at `/assets/` (started if it is not running). */
  async assetsHome(): Promise<AssetsHome> {
    const dir = join(this.#layout.publicRoot, 'assets');
    mkdirSync(dir, { recursive: true });
    const state = this.#state();
    const live = state.live === null ? null : state.colours[state.live];
    const baseUrl = `${this.publicUrl}/assets`;
    if (await this.#nginx.ensure(this.#site(), live?.port ?? null)) await servingFiles(dir, baseUrl);
    return { dir, baseUrl };
  }

  status(): LocalStatus {
    const state = this.#state();
    const colours: ColourStatus[] = [];
    for (const colour of ['blue', 'green'] as const) {
      const slot = state.colours[colour];
      if (!slot) continue;
      colours.push({
        colour,
        live: state.live === colour,
        running: colourAlive(processOf(slot)),
        version: slot.version,
        deploymentId: slot.deploymentId,
        port: slot.port,
        url: privateUrl(slot.port),
      });
    }
    return { publicUrl: this.publicUrl, nginxRunning: this.#nginx.pid() !== null, live: state.live, colours };
  }

  /** Stops nginx and both colours, and nothing else; the releases stay for a later start. */
  async stop(): Promise<{ nginx: boolean; colours: Colour[] }> {
    const nginx = await this.#nginx.stop();
    const stopped: Colour[] = [];
    for (const colour of ['blue', 'green'] as const) {
      const slot = this.#state().colours[colour];
      const process_ = slot ? processOf(slot) : null;
      if (!slot || process_ === null) continue;
      if (colourAlive(process_)) stopped.push(colour);
      await stopColour(process_, this.#stopGraceMs());
      writeLocalState(
        this.#layout.stateFile,
        withColour(this.#state(), colour, { ...slot, pid: null, startTicks: null }),
      );
    }
    return { nginx, colours: stopped };
  }
}
