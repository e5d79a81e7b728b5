import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
