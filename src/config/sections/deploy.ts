import { z } from 'zod';
import { durationMs } from './duration.ts';

const port = z.int().min(1).max(65_535);
/** An environment variable's name, as a shell would accept it. */
const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected a variable name such as HERMES_X' });
const command = z.string().min(1).nullable().default(null);

/** `local`: blue/green on this host, two `hermes serve` processes behind Debian's nginx. */
const local = z
  .strictObject({
    /** nginx listens here: the release's public URL is http://host:port. */
    host: z.string().min(1).default('127.0.0.1'),
    port: port.default(8080),
    /** The private ports of the two colours. */
    ports: z.strictObject({ blue: port.default(8081), green: port.default(8082) }).prefault({}),
    /** nginx's prefix (`nginx/`), the releases (`releases/`) and the target's state live here. */
    dir: z.string().min(1).default('.hermes'),
    /** The nginx executable. */
    nginx: z.string().min(1).default('nginx'),
    /** A colour must answer /readyz 200 within this after it starts. */
    readyTimeout: durationMs.prefault('60s'),
    /** nginx must serve the new colour within this after a reload. */
    switchTimeout: durationMs.prefault('15s'),
  })
  .prefault({});

/** `command`: the team's own shell commands; each gets HERMES_RELEASE_* in its environment. */
const commandTarget = z
  .strictObject({
    prepare: command,
    activate: command,
    /** Prints the live release's handle. */
    current: command,
    rollback: command,
    /** The URL the commands' releases answer on. */
    publicUrl: z.url().nullable().default(null),
  })
  .prefault({});

/** `hermes deploy`: where releases run and what they run with. */
export const deploySection = z
  .strictObject({
    target: z.enum(['local', 'command']).default('local'),
    /** Variables every release runs with (after the deploying environment's, before `--env`). */
    env: z.record(envName, z.string()).default({}),
    local,
    command: commandTarget,
  })
  .prefault({});

/** Backups (`hermes backup`, and the one a deployment takes before migrating). */
export const backupSection = z
  .strictObject({
    dir: z.string().min(1).default('.hermes/backups'),
  })
  .prefault({});
