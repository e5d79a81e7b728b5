import { resolve } from 'node:path';
import type { Pool } from 'pg';
import type { HermesConfig } from '../config/schema.ts';
import { Migrator, type MigratorOptions } from './migrator.ts';

/** A Migrator of `cwd`'s migrations with the configured timeouts; `extra` as the caller needs. */
export function configuredMigrator(
  pool: Pool,
  cwd: string,
  migrations: Readonly<HermesConfig['migrations']>,
  extra: Pick<MigratorOptions, 'lockWaitMs' | 'appliedBy' | 'release'> = {},
): Migrator {
  return new Migrator({
    pool,
    dir: resolve(cwd, migrations.dir),
    lockTimeoutMs: migrations.lockTimeoutMs,
    statementTimeoutMs: migrations.statementTimeoutMs,
    ...extra,
  });
}
