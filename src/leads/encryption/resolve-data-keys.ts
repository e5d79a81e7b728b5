import { ConfigError } from '../../config/config-error.ts';
import {
  developmentKeyBytes,
  developmentKeyId,
  parseDataKey,
  type DataKey,
} from '../../config/sections/data-protection.ts';
import type { HermesConfig } from '../../config/schema.ts';
import { keyRing, type DataKeyRing } from './field-cipher.ts';

export const developmentKey: DataKey = { id: developmentKeyId, key: developmentKeyBytes };

export interface ResolvedDataKeys {
  readonly ring: DataKeyRing;
  /** True when the development key encrypts: nothing configured, or the published key configured. */
  readonly development: boolean;
}

type Config = Pick<HermesConfig, 'dataProtection' | 'environment'>;

/**
 * The key ring the configuration gives: the configured keys (the first encrypts), else the
 * development key. The development key always decrypts, so values written under it before a key
 * was configured stay readable (and `hermes keys rotate` moves them to the configured key).
 */
export function resolveDataKeys(config: Config): ResolvedDataKeys {
  const configured = config.dataProtection.keys.map((entry) => {
    const parsed = parseDataKey(entry);
    // The schema validated every entry already; a config built otherwise is refused here.
    if (typeof parsed === 'string')
      throw new ConfigError('invalid data key', [`dataProtection.keys: ${parsed}`]);
    return parsed;
  });
  const keys = configured.length > 0 ? configured : [developmentKey];
  const withDevelopment = keys.some((key) => key.id === developmentKeyId) ? keys : [...keys, developmentKey];
  return { ring: keyRing(withDevelopment), development: keys[0]?.id === developmentKeyId };
}

/**
 * What `hermes serve` and `hermes worker` say about the data key before they start: in production
 * the development key refuses to start (a ConfigError, exit 2); elsewhere a warning; undefined
 * when a key of the team's own encrypts.
 */
export function dataKeyWarning(config: Config): string | undefined {
  if (!resolveDataKeys(config).development) return undefined;
  const how =
    'set HERMES_DATA_KEY (or dataProtection.keys in hermes.yaml) to `<id>:<base64 of 32 bytes>`, e.g. `k1:$(openssl rand -base64 32)`';
  if (config.environment === 'production')
    throw new ConfigError('no data key for production', [
      `HERMES_DATA_KEY: phone numbers and problem descriptions would be encrypted with the published development key; ${how}`,
    ]);
  return `no data key configured: phone numbers and problem descriptions are encrypted with the published development key (not for production); ${how}`;
}
