import { readdirSync } from 'node:fs';
import { migrationsDir } from '../../../../support/test-database.ts';

/** The version of the project's newest migration (what a migrated live database is at). */
export const newestVersion: string =
  readdirSync(migrationsDir)
    .filter((name) => /^\d{4}_.+\.up\.sql$/.test(name))
    .map((name) => name.slice(0, 4))
    .sort()
    .at(-1) ?? 'none';
