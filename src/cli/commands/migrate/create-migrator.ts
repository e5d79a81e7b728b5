import type { Database } from '../../../db/open-database.ts';
import { Migrator } from '../../../migrations/migrator.ts';
import { releaseOf } from '../../../migrations/release-of.ts';
import type { CliContext } from '../../context.ts';

export function createMigrator(ctx: CliContext, db: Database): Migrator {
  const { migrations } = ctx.config();
  return new Migrator({
    pool: db.pool,
    dir: migrations.dir,
    lockTimeoutMs: migrations.lockTimeoutMs,
    statementTimeoutMs: migrations.statementTimeoutMs,
    // The CLI runs in the project it deploys (the config is found from here too).
    release: releaseOf(process.cwd()),
  });
}
