import { HermesError } from '../errors/hermes-error.ts';

/** Invalid configuration: exit 2, one line per key at fault. */
export class ConfigError extends HermesError {
  constructor(message: string, problems: readonly string[] = []) {
    super('config_invalid', message, { details: problems });
  }
}
