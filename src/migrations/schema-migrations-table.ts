import type { Queryable } from '../db/queryable.ts';
import { relationExists } from '../db/relation-exists.ts';

/** A row of `schema_migrations`; the spec's §1.3.1 query reads it as written. */
export interface AppliedMigration {
  version: string;
  migration_name: string;
  checksum: string;
  applied_at: Date;
  execution_ms: number;
  applied_by: string;
  /**
   * The release that applied it (`0.1.0+99928ab`: package.json version + git commit); null when
   * applied before this column existed or by a caller that knows no release (a scratch database).
   */
  release?: string | null;
}

const createTable = `
CREATE TABLE IF NOT EXISTS schema_migrations (
  version        text        PRIMARY KEY,
  migration_name text        NOT NULL UNIQUE,
  checksum       text        NOT NULL,
  applied_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  execution_ms   integer     NOT NULL,
  applied_by     text        NOT NULL,
  release        text
)`;

// Tables created before the release was recorded get the column; their old rows stay NULL.
const addReleaseColumn = 'ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS release text';

export async function ensureSchemaMigrationsTable(db: Queryable): Promise<void> {
  await db.query(createTable);
  await db.query(addReleaseColumn);
}

export async function schemaMigrationsTableExists(db: Queryable): Promise<boolean> {
  return relationExists(db, 'schema_migrations');
}

export async function readAppliedMigrations(db: Queryable): Promise<AppliedMigration[]> {
  if (!(await schemaMigrationsTableExists(db))) return [];
  // Read through to_jsonb: the gates read a database read-only, perhaps before any migrator of
  // this version added the release column, and must not fail on it.
  const { rows } = await db.query<AppliedMigration>(
    `SELECT version, migration_name, checksum, applied_at, execution_ms, applied_by,
            to_jsonb(m) ->> 'release' AS release
       FROM schema_migrations AS m
      ORDER BY version`,
  );
  return rows;
}

export async function recordApplied(
  db: Queryable,
  row: Pick<
    AppliedMigration,
    'version' | 'migration_name' | 'checksum' | 'execution_ms' | 'applied_by' | 'release'
  >,
): Promise<void> {
  await db.query(
    `INSERT INTO schema_migrations (version, migration_name, checksum, execution_ms, applied_by, release)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [row.version, row.migration_name, row.checksum, row.execution_ms, row.applied_by, row.release ?? null],
  );
}

export async function deleteApplied(db: Queryable, version: string): Promise<void> {
  await db.query('DELETE FROM schema_migrations WHERE version = $1', [version]);
}
