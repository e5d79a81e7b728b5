import type { DeclaredTypeChange } from '../../../config/sections/deploy-migrate-thresholds.ts';
import type { RecordsSnapshot } from './data-snapshot.ts';
import { isDeclared } from './type-names.ts';

/** What a migration did to the records table, judged by §2.2.2's criteria. */
export interface SnapshotComparison {
  /** Each a failed criterion, naming what changed (`records went down: 3 → 2`). */
  problems: string[];
  /** What changed as it may (a column added, a declared conversion, a constraint validated). */
  notes: string[];
  /** Columns gone or converted without a declaration. */
  columnProblems: number;
  lostOrChangedIds: boolean;
  constraintsAdded: number;
  constraintsNotValidated: number;
}

function compareColumns(
  before: RecordsSnapshot,
  after: RecordsSnapshot,
  declared: readonly DeclaredTypeChange[],
  out: SnapshotComparison,
): void {
  const now = new Map(after.columns.map((c) => [c.name, c]));
  for (const old of before.columns) {
    const column = now.get(old.name);
    if (column === undefined) {
      out.problems.push(`column ${old.name} disappeared`);
      out.columnProblems += 1;
    } else if (column.type !== old.type) {
      const change = `column ${old.name}: ${old.type} → ${column.type}`;
      if (isDeclared(declared, old.name, old.type, column.type)) out.notes.push(`${change} (declared)`);
      else {
        out.problems.push(
          `${change} changed type (not declared in gates.thresholds.deploy.migrate.typeChanges)`,
        );
        out.columnProblems += 1;
      }
    }
    if (column !== undefined && column.nullable !== old.nullable)
      out.notes.push(`column ${old.name}: ${column.nullable ? 'now nullable' : 'now NOT NULL'}`);
  }
  const had = new Set(before.columns.map((c) => c.name));
  for (const column of after.columns)
    if (!had.has(column.name)) out.notes.push(`column ${column.name} added (${column.type})`);
}

function compareConstraints(before: RecordsSnapshot, after: RecordsSnapshot, out: SnapshotComparison): void {
  const old = new Map(before.constraints.map((c) => [c.name, c]));
  for (const constraint of after.constraints) {
    const was = old.get(constraint.name);
    if (was === undefined) {
      out.constraintsAdded += 1;
      if (constraint.validated) out.notes.push(`constraint ${constraint.name} added and validated`);
      else {
        out.constraintsNotValidated += 1;
        out.problems.push(`constraint ${constraint.name} added but not validated (NOT VALID)`);
      }
    } else if (was.definition !== constraint.definition)
      out.notes.push(`constraint ${constraint.name} changed: ${was.definition} → ${constraint.definition}`);
    else if (!was.validated && constraint.validated)
      out.notes.push(`constraint ${constraint.name} validated`);
  }
  const kept = new Set(after.constraints.map((c) => c.name));
  for (const constraint of before.constraints)
    if (!kept.has(constraint.name)) out.notes.push(`constraint ${constraint.name} dropped`);
}

function compareFigures(before: RecordsSnapshot, after: RecordsSnapshot, out: SnapshotComparison): void {
  const [was, now] = [before.figures, after.figures];
  // Without figures a column they need is gone, which compareColumns has named.
  if (was === null || now === null) return;
  if (now.spec.total_records < was.spec.total_records)
    out.problems.push(`records went down: ${was.spec.total_records} → ${now.spec.total_records}`);
  if (now.tally.unique !== was.tally.unique)
    out.problems.push(`unique leads changed: ${was.tally.unique} → ${now.tally.unique}`);
  if (now.tally.checksum !== was.tally.checksum || now.tally.total !== was.tally.total) {
    out.lostOrChangedIds = true;
    out.problems.push(`lead ids lost or changed (the checksum of ${before.table}'s ids differs)`);
  }
  if (now.earliest !== was.earliest)
    out.problems.push(`earliest record changed: ${was.earliest ?? 'none'} → ${now.earliest ?? 'none'}`);
}

/** Before and after a migration: null snapshots are a table that did not (or no longer) exist. */
export function compareSnapshots(
  before: RecordsSnapshot | null,
  after: RecordsSnapshot | null,
  declared: readonly DeclaredTypeChange[],
): SnapshotComparison {
  const out: SnapshotComparison = {
    problems: [],
    notes: [],
    columnProblems: 0,
    lostOrChangedIds: false,
    constraintsAdded: 0,
    constraintsNotValidated: 0,
  };
  if (before === null) {
    if (after !== null) out.notes.push(`table ${after.table} created`);
    return out;
  }
  if (after === null) {
    out.problems.push(`table ${before.table} disappeared`);
    return out;
  }
  compareColumns(before, after, declared, out);
  compareConstraints(before, after, out);
  compareFigures(before, after, out);
  return out;
}
