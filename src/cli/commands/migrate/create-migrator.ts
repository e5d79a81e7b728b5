import type { Database } from '../../../db/open-database.ts';
import { configuredMigrator } from '../../../migrations/configured-migrator.ts';
import type { Migrator } from '../../../migrations/migrator.ts';
import { releaseOf } from '../../../migrations/release-of.ts';
import type { CliContext } from '../../context.ts';

export function createMigrator(ctx: CliContext, db: Database): Migrator {
  // The CLI runs in the project it deploys (the config is found from here too).
  return configuredMigrator(db.pool, process.cwd(), ctx.config().migrations, {
    release: releaseOf(process.cwd()),
  });
}
