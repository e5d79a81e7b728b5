import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The schema version this repository's migrations end at (`0042`): what a migrated database is at. */
export const latestMigrationVersion: string =
  readdirSync(fileURLToPath(new URL('../../migrations', import.meta.url)))
    .filter((name) => name.endsWith('.up.sql'))
    .map((name) => name.slice(0, 4))
    .sort()
    .at(-1) ?? '';
