import type { LoadedConfig, loadConfig as readConfig } from '../config/load-config.ts';
import type { Database, DatabaseSettings, WhileServed } from '../db/open-database.ts';
import type { HermesConfig } from '../config/schema.ts';
import { createOutput, type Output } from './output.ts';

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
  json?: boolean;
}

/** What every command gets: the validated config (loaded once, on first use) and the database. */
export interface CliContext {
  readonly output: Output;
  /**
   * Loads the config reader (zod, yaml): run before any action, so `--help` never pays for it.
   * `command` is the one about to run (`leads show`): what it may do beside a running `hermes serve`.
   */
  prepare(command: string): Promise<void>;
  loaded(): LoadedConfig;
  config(): Readonly<HermesConfig>;
  /**
   * Opens the configured database; the command closes it. `applicationName` names the sessions
   * in pg_stat_activity (default `hermes`): db.data-protection finds the service's role by it.
   */
  openDatabase(applicationName?: string): Promise<Database>;
}

export function databaseSettings(config: Readonly<HermesConfig>): DatabaseSettings {
  return {
    url: config.database.url,
    embedded: { dataDir: config.embedded.dataDir, maxConnections: config.embedded.maxConnections },
    pool: {
      max: config.database.poolMax,
      connectionTimeoutMs: config.database.connectionTimeoutMs,
      idleTimeoutMs: config.database.idleTimeoutMs,
      statementTimeoutMs: config.database.statementTimeoutMs,
    },
  };
}

/**
 * The commands that reach a running `hermes serve` through the socket it shares: lookups, and the
 * GDPR and replay operations its admin API offers too. The rest (schema changes, a second server
 * or worker, gate runs) need the database to themselves.
 */
export const commandsBesideServe: readonly string[] = [
  'leads show',
  'leads export',
  'leads erase',
  'leads retention',
  'deliveries list',
  'deliveries show',
  'deliveries replay',
  'gates history',
  'deployments list',
  'deployments show',
  'migrate status',
  'migrate plan',
  'migrate validate',
];

export function whileServedFor(command: string): WhileServed {
  return commandsBesideServe.includes(command)
    ? { connect: true }
    : { connect: false, command, reachable: commandsBesideServe };
}

/** `options` is read on first use: commander knows the global options only once it has parsed them. */
export function createContext(options: () => GlobalOptions): CliContext {
  let running = '';
  let loaded: LoadedConfig | undefined;
  let output: Output | undefined;
  let loadConfig: typeof readConfig | undefined;
  const getOutput = (): Output => (output ??= createOutput(options().json ?? false));
  const load = (): LoadedConfig => {
    if (loaded) return loaded;
    if (!loadConfig) throw new Error('the config was read before the context was prepared');
    loaded = loadConfig({ path: options().config });
    for (const warning of loaded.warnings) getOutput().error(`hermes: warning: ${warning}`);
    return loaded;
  };
  return {
    get output() {
      return getOutput();
    },
    async prepare(command) {
      running = command;
      loadConfig ??= (await import('../config/load-config.ts')).loadConfig;
    },
    loaded: load,
    config: () => load().config,
    async openDatabase(applicationName) {
      const settings = databaseSettings(load().config);
      if (applicationName !== undefined) settings.pool.applicationName = applicationName;
      const { openDatabase } = await import('../db/open-database.ts');
      return openDatabase(settings, whileServedFor(running));
    },
  };
}
