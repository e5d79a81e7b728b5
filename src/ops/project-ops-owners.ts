import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { opsSchema } from './ops-schema.ts';

// eslint-disable-next-line security/detect-non-literal-regexp -- built from a constant
const mentionsOps = new RegExp(`\\b${opsSchema}\\b`);

/** The names of the migrations (up files) among `files` that mention Hermes's ops schema. */
export function opsOwners(files: readonly { name: string; sql: string }[]): string[] {
  return files.filter((f) => mentionsOps.test(f.sql)).map((f) => f.name);
}

/** The project's own up migrations in `dir` that mention hermes_ops; none when there is no such dir. */
export function readOpsOwners(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const ups = readdirSync(dir)
    .filter((name) => name.endsWith('.up.sql'))
    .sort();
  return opsOwners(ups.map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') })));
}
