import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { Migrator } from '../../src/migrations/migrator.ts';

export interface MigrationSource {
  up: string;
  /** Omit for a migration without a down file. */
  down?: string;
}

/** A temporary migrations directory holding `{ '0001_name': { up, down } }`. */
export function writeMigrations(migrations: Record<string, MigrationSource>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-migrations-'));
  for (const [name, source] of Object.entries(migrations)) {
    writeFileSync(join(dir, `${name}.up.sql`), source.up);
    if (source.down !== undefined) writeFileSync(join(dir, `${name}.down.sql`), source.down);
  }
  return dir;
}

/** A migrator over `dir` with the timeouts the tests use (the defaults' lock wait is minutes). */
export function testMigrator(pool: Pool, dir: string): Migrator {
  return new Migrator({ pool, dir, lockTimeoutMs: 5_000, statementTimeoutMs: 60_000 });
}
