import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HermesError } from '../../errors/hermes-error.ts';
import { errorMessage } from '../../errors/error-message.ts';
import type { LocalLayout } from './local-layout.ts';
import { renderNginxConfig, type NginxSite } from './nginx-config.ts';
import { poll } from './poll.ts';

const commandTimeoutMs = 15_000;

interface NginxRun {
  ok: boolean;
  output: string;
}

/** The last lines nginx printed, without its `nginx: ` prefixes: what a person needs to see. */
function tail(output: string): string {
  // Only at the start of a line: `/usr/sbin/nginx: not found` keeps its path.
  return output
    .trim()
    .split('\n')
    .slice(-3)
    .map((line) => line.replace(/^nginx: /, ''))
    .join('; ');
}

/** The live colour's port in a config this target wrote; null for the placeholder before any release. */
export function servedUpstream(config: string): number | null {
  const block = /upstream hermes_live \{([^}]*)\}/.exec(config)?.[1] ?? '';
  const port = /^\s*server 127\.0\.0\.1:(\d+);$/m.exec(block)?.[1];
  return port === undefined ? null : Number(port);
}

/** nginx with the target's own prefix and config; never the system's. */
export class Nginx {
  readonly #bin: string;
  readonly #layout: LocalLayout;

  constructor(bin: string, layout: LocalLayout) {
    this.#bin = bin;
    this.#layout = layout;
  }

  #run(extra: readonly string[]): Promise<NginxRun> {
    const { nginxPrefix, nginxConf } = this.#layout;
    // -e: the error log before the config is read is ours too (the default is /var/log/nginx).
    const args = ['-p', nginxPrefix, '-c', nginxConf, '-e', join(nginxPrefix, 'logs', 'error.log'), ...extra];
    return new Promise((resolve) => {
      execFile(this.#bin, args, { timeout: commandTimeoutMs }, (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          resolve({
            ok: false,
            output: `${this.#bin}: not found (install Debian's nginx, or set deploy.local.nginx)`,
          });
          return;
        }
        resolve({ ok: error === null, output: error && output.trim() === '' ? errorMessage(error) : output });
      });
    });
  }

  /** The pid nginx.pid names, alive or not; null when there is none. */
  #recordedPid(): number | null {
    let text: string;
    try {
      text = readFileSync(join(this.#layout.nginxPrefix, 'nginx.pid'), 'utf8');
    } catch {
      return null;
    }
    const pid = Number(text.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  /** The master's pid while it runs; null when nginx is not running. */
  pid(): number | null {
    const pid = this.#recordedPid();
    if (pid === null) return null;
    try {
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  /**
   * Writes the config for `site`, has nginx test it, and only then starts nginx or reloads it.
   * A config nginx refuses is not loaded: the running nginx keeps serving the previous one.
   */
  async apply(site: NginxSite): Promise<void> {
    const { nginxPrefix, nginxConf } = this.#layout;
    for (const dir of ['logs', 'temp']) mkdirSync(join(nginxPrefix, dir), { recursive: true });
    const previous = this.#currentConfig();
    writeFileSync(nginxConf, renderNginxConfig(site));
    const test = await this.#run(['-t', '-q']);
    if (!test.ok) {
      // Put back what the running nginx serves, so a later reload does not pick up the bad one.
      if (previous !== null) writeFileSync(nginxConf, previous);
      throw new HermesError('deploy_target_failed', `nginx refused its new config: ${tail(test.output)}`);
    }
    const running = this.pid() !== null;
    // A master that died (killed, OOM) leaves nginx.pid behind, and its workers go on serving.
    const deadMaster = running ? null : this.#recordedPid();
    const result = await this.#run(running ? ['-s', 'reload'] : []);
    if (!result.ok) {
      // Not loaded: the file must say what nginx serves, or a later ensure() would skip the reload.
      if (previous !== null) writeFileSync(nginxConf, previous);
      const held =
        deadMaster !== null && result.output.includes('Address already in use')
          ? `; nginx's master (pid ${String(deadMaster)}, in nginx.pid) is gone: if its workers still hold the port, they serve the config it had; stop those "nginx: worker process" processes and run this again`
          : '';
      throw new HermesError(
        'deploy_target_failed',
        `nginx could not ${running ? 'reload' : 'start'}: ${tail(result.output)}${held}`,
      );
    }
  }

  /**
   * Running with the config for `site`: started (sending to `idleUpstream`), or reloaded with it,
   * only when it is not already what the running nginx serves (a reload closes idle client
   * connections, so none without cause). True when nginx was started or reloaded.
   */
  async ensure(site: Omit<NginxSite, 'upstreamPort'>, idleUpstream: number | null): Promise<boolean> {
    const current = this.#currentConfig();
    // A running nginx keeps the upstream it serves (a switch may be under way), whatever the state says.
    const running = this.pid() !== null && current !== null;
    const upstreamPort = running ? servedUpstream(current) : idleUpstream;
    if (running && current === renderNginxConfig({ ...site, upstreamPort })) return false;
    await this.apply({ ...site, upstreamPort });
    return true;
  }

  #currentConfig(): string | null {
    try {
      return readFileSync(this.#layout.nginxConf, 'utf8');
    } catch {
      return null;
    }
  }

  /** Graceful stop (`-s quit`): workers finish their requests; resolves once the master is gone. */
  async stop(timeoutMs = 15_000): Promise<boolean> {
    const pid = this.pid();
    if (pid === null) return false;
    await this.#run(['-s', 'quit']);
    const running = await poll(() => Promise.resolve(this.pid() === pid ? 'running' : null), {
      timeoutMs,
      intervalMs: 50,
    });
    if (running !== null) process.kill(pid, 'SIGKILL');
    return true;
  }
}
