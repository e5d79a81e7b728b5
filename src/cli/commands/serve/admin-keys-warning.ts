import type { HermesConfig } from '../../../config/schema.ts';

/**
 * Without a key the admin API is closed, not open (src/intake/admin-guard.ts answers 401 to every
 * request): said at start-up, so that a 401 later is not a mystery. Undefined when keys are set.
 */
export function adminKeysWarning(admin: Pick<HermesConfig['admin'], 'apiKeys'>): string | undefined {
  if (admin.apiKeys.length > 0) return undefined;
  return (
    'the admin API has no keys: every /api/admin/* request is answered 401 (it is closed, not open). ' +
    'To use it, set HERMES_ADMIN_API_KEYS (comma-separated keys of 16+ characters, e.g. `openssl rand -hex 32`) ' +
    'or admin.apiKeys in hermes.yaml'
  );
}
