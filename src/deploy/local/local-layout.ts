import { join, resolve } from 'node:path';
import type { HermesConfig } from '../../config/schema.ts';

export const colours = ['blue', 'green'] as const;
export type Colour = (typeof colours)[number];

export function otherColour(colour: Colour): Colour {
  return colour === 'blue' ? 'green' : 'blue';
}

/** Where the local target keeps everything: nothing of it lies outside `deploy.local.dir`. */
export interface LocalLayout {
  root: string;
  /** nginx's prefix (`nginx -p`): its config, pid file, logs and temp files. */
  nginxPrefix: string;
  nginxConf: string;
  releasesDir: string;
  /** The target's state: which colour runs what and which is live. */
  stateFile: string;
  logsDir: string;
  /** What nginx serves as files: `assets/` holds every release's versioned assets (never pruned). */
  publicRoot: string;
}

export function localLayout(cwd: string, config: Readonly<HermesConfig>): LocalLayout {
  const root = resolve(cwd, config.deploy.local.dir);
  const nginxPrefix = join(root, 'nginx');
  return {
    root,
    nginxPrefix,
    nginxConf: join(nginxPrefix, 'nginx.conf'),
    releasesDir: join(root, 'releases'),
    stateFile: join(root, 'local-target.json'),
    logsDir: join(root, 'logs'),
    publicRoot: join(root, 'public'),
  };
}

/** A colour's role file, which its `hermes serve` re-reads on SIGUSR2 (server.roleFile). */
export function roleFileOf(layout: LocalLayout, colour: Colour): string {
  return join(layout.root, `${colour}.role`);
}

export function logFileOf(layout: LocalLayout, colour: Colour): string {
  return join(layout.logsDir, `${colour}.log`);
}
