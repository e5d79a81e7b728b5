import type { DataKeyRing } from '../../src/leads/encryption/field-cipher.ts';
import { resolveDataKeys } from '../../src/leads/encryption/resolve-data-keys.ts';

/**
 * The key ring Hermes uses with no key configured outside production (the development key): what
 * a `hermes` subprocess or a server started with the tests' config encrypts and decrypts with.
 */
export const developmentDataKeys: DataKeyRing = resolveDataKeys({
  environment: 'test',
  dataProtection: { keys: [] },
}).ring;
