import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MigrationError } from './migration-error.ts';
import { sha256Hex } from '../text/sha256-hex.ts';

/** One migration: `NNNN_name.up.sql` and its `NNNN_name.down.sql`. */
export interface MigrationFile {
  /** `0001` */
  readonly version: string;
  /** `0001_create_hermes_leads`, the `migration_name` recorded in `schema_migrations`. */
  readonly name: string;
  readonly upPath: string;
  readonly upSql: string;
  readonly downPath: string | null;
  readonly downSql: string | null;
  /** sha256 of the up file, hex. */
  readonly checksum: string;
  /** False when the file says `-- hermes:no-transaction` (e.g. CREATE INDEX CONCURRENTLY). */
  readonly transactional: boolean;
  /** True when the file says `-- hermes:breaking` (the breaking-change gate reads it). */
  readonly breaking: boolean;
  /**
   * The reason given by `-- hermes:destructive reason=...` in the down file: its loss of data is
   * intended (the reversibility gate then warns instead of failing). Absent without the marker.
   */
  readonly destructiveReason?: string;
}

const fileName = /^(\d{4,})_([a-z0-9_]+)\.(up|down)\.sql$/;

export function checksumOf(sql: string): string {
  return sha256Hex(sql);
}

function hasMarker(sql: string, marker: string): boolean {
  // eslint-disable-next-line security/detect-non-literal-regexp -- `marker` is one of two literals
  return new RegExp(`^\\s*--\\s*hermes:${marker}\\b`, 'm').test(sql);
}

const destructiveMarker = /^\s*--\s*hermes:destructive\b(.*)$/m;

/**
 * The reason of a down file's destructive marker: null without a marker, '' for a marker whose
 * reason is missing or blank (a problem: nobody may wave data loss through without saying why).
 */
export function destructiveReasonOf(sql: string): string | null {
  const marker = destructiveMarker.exec(sql);
  if (!marker) return null;
  const reason = /\breason\s*=\s*(.*)$/.exec(marker[1] ?? '')?.[1]?.trim() ?? '';
  return reason.replace(/^(["'])(.*)\1$/, '$2').trim();
}

/** Reads every migration in `dir`, sorted by version; a stray or duplicate file is an error. */
export function loadMigrationFiles(dir: string): MigrationFile[] {
  const root = resolve(dir);
  if (!existsSync(root))
    throw new MigrationError('migrations_dir_missing', `migrations directory not found: ${root}`);
  const ups = new Map<string, { name: string; path: string }>();
  const downs = new Map<string, string>();
  const problems: string[] = [];

  for (const entry of readdirSync(root).sort()) {
    if (!entry.endsWith('.sql')) continue;
    const match = fileName.exec(entry);
    if (!match) {
      problems.push(`${entry}: expected NNNN_name.up.sql or NNNN_name.down.sql`);
      continue;
    }
    const [, version = '', slug = '', direction] = match;
    const target = direction === 'up' ? ups : downs;
    if (target.has(version)) {
      problems.push(`${entry}: a second ${direction ?? ''} migration numbered ${version}`);
      continue;
    }
    if (direction === 'up') ups.set(version, { name: `${version}_${slug}`, path: join(root, entry) });
    else downs.set(version, join(root, entry));
  }
  for (const [version, path] of downs) {
    if (!ups.has(version)) problems.push(`${path}: a down migration without its up`);
  }

  const files = [...ups.entries()]
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([version, { name, path }]): MigrationFile => {
      const upSql = readFileSync(path, 'utf8');
      const downPath = downs.get(version) ?? null;
      const downSql = downPath === null ? null : readFileSync(downPath, 'utf8');
      const reason = downSql === null ? null : destructiveReasonOf(downSql);
      if (reason === '') {
        problems.push(
          `${downPath ?? name}: -- hermes:destructive without reason=... (say why losing the data is intended)`,
        );
      }
      return {
        version,
        name,
        upPath: path,
        upSql,
        downPath,
        downSql,
        checksum: checksumOf(upSql),
        transactional: !hasMarker(upSql, 'no-transaction'),
        breaking: hasMarker(upSql, 'breaking'),
        ...(reason ? { destructiveReason: reason } : {}),
      };
    });
  // A stray file is refused before anything runs; so is data loss waved through without a reason.
  if (problems.length > 0) {
    throw new MigrationError('migrations_invalid', `invalid migration files in ${root}`, {
      details: problems,
    });
  }
  return files;
}
