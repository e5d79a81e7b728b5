import type { Database } from '../../../db/open-database.ts';
import { Migrator } from '../../../migrations/migrator.ts';
import type { CliContext } from '../../context.ts';

export function createMigrator(ctx: CliContext, db: Database): Migrator {
  const { migrations } = ctx.config();
  return new Migrator({
    pool: db.pool,
    dir: migrations.dir,
    lockTimeoutMs: migrations.lockTimeoutMs,
    statementTimeoutMs: migrations.statementTimeoutMs,
  });
}
