import { HermesError } from '../../errors/hermes-error.ts';
import { loadMigrationFiles } from '../../migrations/migration-file.ts';
import { hermesFiles } from '../../runtime/hermes-files.ts';

/** The group role migration 0042 creates and grants to; the service logs in as a member of it. */
export const serviceRole = 'hermes_service';

const grantsMigration = '0042_create_hermes_service_role';

/**
 * Migration 0042's up: it creates hermes_service (when the migrating role may) and grants it the
 * service's rights. `hermes ops service-role` runs the same file, so both give the same rights.
 */
export function loadServiceRoleGrants(): string {
  const file = loadMigrationFiles(hermesFiles.migrations).find((f) => f.name === grantsMigration);
  if (!file)
    throw new HermesError(
      'ops_migration_missing',
      `Hermes's migration ${grantsMigration} is missing from ${hermesFiles.migrations}`,
    );
  return file.upSql;
}
