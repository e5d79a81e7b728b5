import type { Database } from '../db/open-database.ts';
import { databaseSettings, type CliContext } from './context.ts';
import { withDatabase } from './with-database.ts';

/**
 * As withDatabase, connected as the role that owns the schema: `database.migrationUrl`, else the
 * usual connection. On the embedded database there is one role: migrationUrl needs `database.url`.
 */
export async function withMigrationDatabase<T>(
  ctx: CliContext,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const config = ctx.config();
  const { migrationUrl, url } = config.database;
  if (migrationUrl === undefined || url === undefined) return withDatabase(ctx, work);
  const { openDatabase } = await import('../db/open-database.ts');
  return withDatabase(ctx, work, () => openDatabase({ ...databaseSettings(config), url: migrationUrl }));
}
