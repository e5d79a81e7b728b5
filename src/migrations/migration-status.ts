import type { MigrationFile } from './migration-file.ts';
import type { AppliedMigration } from './schema-migrations-table.ts';

export type MigrationState =
  /** applied, and the up file still has the checksum it had */
  | 'applied'
  /** not applied yet */
  | 'pending'
  /** applied, but the up file changed since */
  | 'checksum_mismatch'
  /** applied, and its file is gone */
  | 'missing_file'
  /** applied with a version newer than any file: the database is ahead of this code */
  | 'unknown_applied';

export interface MigrationStatus {
  version: string;
  name: string;
  state: MigrationState;
  appliedAt: Date | null;
  executionMs: number | null;
  appliedBy: string | null;
  hasDown: boolean;
  /** A pending migration numbered below one already applied. */
  outOfOrder: boolean;
}

/** Joins the files with `schema_migrations`, in version order. */
export function computeStatus(
  files: readonly MigrationFile[],
  applied: readonly AppliedMigration[],
): MigrationStatus[] {
  const appliedByVersion = new Map(applied.map((row) => [row.version, row]));
  const fileVersions = new Set(files.map((file) => file.version));
  const newestFile = files.reduce((max, file) => Math.max(max, Number(file.version)), 0);
  const newestApplied = applied.reduce((max, row) => Math.max(max, Number(row.version)), 0);

  const fromFiles = files.map((file): MigrationStatus => {
    const row = appliedByVersion.get(file.version);
    const state =
      row === undefined ? 'pending' : row.checksum === file.checksum ? 'applied' : 'checksum_mismatch';
    return {
      version: file.version,
      name: file.name,
      state,
      appliedAt: row?.applied_at ?? null,
      executionMs: row?.execution_ms ?? null,
      appliedBy: row?.applied_by ?? null,
      hasDown: file.downSql !== null,
      outOfOrder: state === 'pending' && Number(file.version) < newestApplied,
    };
  });
  const orphans = applied
    .filter((row) => !fileVersions.has(row.version))
    .map((row): MigrationStatus => ({
      version: row.version,
      name: row.migration_name,
      state: Number(row.version) > newestFile ? 'unknown_applied' : 'missing_file',
      appliedAt: row.applied_at,
      executionMs: row.execution_ms,
      appliedBy: row.applied_by,
      hasDown: false,
      outOfOrder: false,
    }));
  return [...fromFiles, ...orphans].sort((a, b) => Number(a.version) - Number(b.version));
}

/** Why the database does not match the code, one line per migration; empty when it does. */
export function statusProblems(status: readonly MigrationStatus[]): string[] {
  const problems: string[] = [];
  for (const m of status) {
    if (m.state === 'checksum_mismatch')
      problems.push(`${m.name}: checksum mismatch (the applied up file was changed)`);
    if (m.state === 'missing_file') problems.push(`${m.name}: applied, but its file is missing`);
    if (m.state === 'unknown_applied')
      problems.push(`${m.name}: applied, but unknown to this code (the database is ahead)`);
    if (m.state === 'pending') problems.push(`${m.name}: pending${m.outOfOrder ? ' (out of order)' : ''}`);
    if (!m.hasDown && m.state !== 'missing_file' && m.state !== 'unknown_applied') {
      problems.push(`${m.name}: no down migration`);
    }
  }
  return problems;
}
