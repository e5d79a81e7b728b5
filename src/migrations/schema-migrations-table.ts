import type { Queryable } from '../db/queryable.ts';

/** A row of `schema_migrations`; the spec's §1.3.1 query reads it as written. */
export interface AppliedMigration {
  version: string;
  migration_name: string;
  checksum: string;
  applied_at: Date;
  execution_ms: number;
  applied_by: string;
}

const createTable = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version        text        PRIMARY KEY,
  migration_name text        NOT NULL UNIQUE,
  checksum       text        NOT NULL,
  applied_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  execution_ms   integer     NOT NULL,
  applied_by     text        NOT NULL
)`;

export async function ensureSchemaMigrationsTable(db: Queryable): Promise<void> {
  await db.query(createTable);
}

export async function schemaMigrationsTableExists(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>(
    `SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`,
  );
  return rows[0]?.exists ?? false;
}

export async function readAppliedMigrations(db: Queryable): Promise<AppliedMigration[]> {
  if (!(await schemaMigrationsTableExists(db))) return [];
  const { rows } = await db.query<AppliedMigration>(
    `SELECT version, migration_name, checksum, applied_at, execution_ms, applied_by
       FROM schema_migrations
      ORDER BY version`,
  );
  return rows;
}

export async function recordApplied(
  db: Queryable,
  row: Pick<AppliedMigration, 'version' | 'migration_name' | 'checksum' | 'execution_ms' | 'applied_by'>,
): Promise<void> {
  await db.query(
    `INSERT INTO schema_migrations (version, migration_name, checksum, execution_ms, applied_by)
     VALUES ($1, $2, $3, $4, $5)`,
    [row.version, row.migration_name, row.checksum, row.execution_ms, row.applied_by],
  );
}

export async function deleteApplied(db: Queryable, version: string): Promise<void> {
  await db.query('DELETE FROM schema_migrations WHERE version = $1', [version]);
}
