import type { LoadedConfig, loadConfig as readConfig } from '../config/load-config.ts';
import type { Database } from '../db/open-database.ts';
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
  /** Loads the config reader (zod, yaml): run before any action, so `--help` never pays for it. */
  prepare(): Promise<void>;
  loaded(): LoadedConfig;
  config(): Readonly<HermesConfig>;
  /** Opens the configured database; the command closes it. */
  openDatabase(): Promise<Database>;
}

export function databaseSettings(config: Readonly<HermesConfig>) {
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

/** `options` is read on first use: commander knows the global options only once it has parsed them. */
export function createContext(options: () => GlobalOptions): CliContext {
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
    async prepare() {
      loadConfig ??= (await import('../config/load-config.ts')).loadConfig;
    },
    loaded: load,
    config: () => load().config,
    async openDatabase() {
      const settings = databaseSettings(load().config);
      const { openDatabase } = await import('../db/open-database.ts');
      return openDatabase(settings);
    },
  };
}
