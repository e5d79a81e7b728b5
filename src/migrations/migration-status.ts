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

export type MigrationProblemKind =
  'checksum_mismatch' | 'missing_file' | 'unknown_applied' | 'pending' | 'out_of_order' | 'no_down';

export interface MigrationProblem {
  name: string;
  kind: MigrationProblemKind;
  message: string;
}

/** Problems that forbid applying anything: the files no longer describe what was applied. */
export const blockingProblemKinds: ReadonlySet<MigrationProblemKind> = new Set([
  'checksum_mismatch',
  'missing_file',
  'unknown_applied',
  'out_of_order',
]);

const describe: Record<MigrationProblemKind, string> = {
  checksum_mismatch: 'checksum mismatch (the applied up file was changed)',
  missing_file: 'applied, but its file is missing',
  unknown_applied: 'applied, but unknown to this code (the database is ahead)',
  pending: 'pending',
  out_of_order: 'pending (out of order)',
  no_down: 'no down migration',
};

function kindsOf(m: MigrationStatus): MigrationProblemKind[] {
  const kinds: MigrationProblemKind[] = [];
  if (m.state === 'pending') kinds.push(m.outOfOrder ? 'out_of_order' : 'pending');
  else if (m.state !== 'applied') kinds.push(m.state);
  if (!m.hasDown && m.state !== 'missing_file' && m.state !== 'unknown_applied') kinds.push('no_down');
  return kinds;
}

/** Why the database does not match the code, per migration; empty when it does. */
export function findProblems(status: readonly MigrationStatus[]): MigrationProblem[] {
  return status.flatMap((m) =>
    kindsOf(m).map((kind) => ({ name: m.name, kind, message: `${m.name}: ${describe[kind]}` })),
  );
}

/** The same, one line per problem. */
export function statusProblems(status: readonly MigrationStatus[]): string[] {
  return findProblems(status).map((p) => p.message);
}
