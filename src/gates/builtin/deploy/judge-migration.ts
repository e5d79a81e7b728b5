import type { DeclaredTypeChange } from '../../../config/sections/deploy-migrate-thresholds.ts';
import type { Evidence, GateOutcome, Measurement } from '../../gate.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import { compareSnapshots, type SnapshotComparison } from './compare-snapshots.ts';
import type { RecordsSnapshot } from './data-snapshot.ts';

/** What the production migration step saw, for judging (§2.2.1's and §2.2.2's criteria). */
export interface MigrationFacts {
  /** The names of the migrations the plan held, in order. */
  pending: readonly string[];
  /** Those the live run applied. */
  applied: readonly string[];
  /** The migration that failed on the live database, and why. */
  failure?: { migration: string; error: string } | undefined;
  before: RecordsSnapshot | null;
  after: RecordsSnapshot | null;
  typeChanges: readonly DeclaredTypeChange[];
  versionBefore: string | null;
  versionAfter: string | null;
  durationMs: number;
}

function measurements(facts: MigrationFacts, c: SnapshotComparison): Measurement[] {
  const was = facts.before?.figures ?? null;
  const now = facts.after?.figures ?? null;
  const list = [measure('migrations applied', facts.applied.length, 'count', facts.pending.length, '==')];
  if (was !== null) {
    list.push(
      measure('records before', was.spec.total_records, 'count'),
      measure('unique leads before', was.spec.unique_leads, 'count'),
    );
  }
  if (now !== null) {
    list.push(
      was === null
        ? measure('records after', now.spec.total_records, 'count')
        : measure('records after', now.spec.total_records, 'count', was.spec.total_records, '>='),
      measure('unique leads after', now.spec.unique_leads, 'count'),
      // Leads the intake committed while the migration ran: not the migration's doing.
      measure('records added meanwhile', now.spec.total_records - now.tally.total, 'count'),
    );
  }
  list.push(
    measure('lead ids lost or changed', c.lostOrChangedIds ? 1 : 0, 'count', 0, '=='),
    measure('columns gone or retyped undeclared', c.columnProblems, 'count', 0, '=='),
    measure('constraints added', c.constraintsAdded, 'count'),
    measure('constraints not validated', c.constraintsNotValidated, 'count', 0, '=='),
    measure('duration', facts.durationMs, 'ms'),
  );
  return list;
}

function figureRow(label: string, snapshot: RecordsSnapshot | null): Record<string, unknown> {
  const spec = snapshot?.figures?.spec;
  return {
    snapshot: label,
    total_records: spec?.total_records ?? null,
    unique_leads: spec?.unique_leads ?? null,
    earliest_record: spec?.earliest_record?.toISOString() ?? null,
    latest_record: spec?.latest_record?.toISOString() ?? null,
  };
}

function evidenceOf(facts: MigrationFacts, c: SnapshotComparison): Evidence[] {
  const table = facts.before?.table ?? facts.after?.table ?? 'records';
  const evidence: Evidence[] = [
    {
      kind: 'rows',
      title: `§2.2.2 data migration validation of ${table}, before and after`,
      content: [figureRow('before', facts.before), figureRow('after', facts.after)],
    },
  ];
  if (c.problems.length > 0)
    evidence.push({
      kind: 'diff',
      title: 'what the migration changed that it must not',
      content: c.problems.join('\n'),
    });
  if (c.notes.length > 0)
    evidence.push({ kind: 'text', title: `changes to ${table}`, content: c.notes.join('\n') });
  return evidence;
}

/** `records 3 → 3, unique leads 3 → 3`, or what is known of them. */
function figuresText(facts: MigrationFacts): string {
  const was = facts.before?.figures?.spec;
  const now = facts.after?.figures?.spec;
  if (now === undefined) return 'no records table';
  const from = (n: number | undefined): string => (n === undefined ? '' : `${String(n)} → `);
  return `records ${from(was?.total_records)}${now.total_records}, unique leads ${from(was?.unique_leads)}${now.unique_leads}`;
}

export function judgeMigration(facts: MigrationFacts): GateOutcome {
  const c = compareSnapshots(facts.before, facts.after, facts.typeChanges);
  const base = { measurements: measurements(facts, c), evidence: evidenceOf(facts, c) };
  if (facts.failure !== undefined) {
    const data = c.problems.length === 0 ? 'data unchanged' : `and: ${listSome(c.problems)}`;
    return {
      status: 'fail',
      summary: `migration ${facts.failure.migration} failed: ${facts.failure.error}; ${data}`,
      ...base,
    };
  }
  if (c.problems.length > 0)
    return { status: 'fail', summary: `data migration check failed: ${listSome(c.problems)}`, ...base };
  const constraints =
    c.constraintsAdded === 0 ? '' : `, ${plural(c.constraintsAdded, 'constraint')} added and validated`;
  const checks =
    facts.before === null
      ? figuresText(facts)
      : `${figuresText(facts)}, lead ids unchanged, types preserved${constraints}`;
  const version = facts.versionAfter ?? 'none';
  const head =
    facts.pending.length === 0
      ? `schema up to date (version ${version})`
      : `${plural(facts.applied.length, 'migration')} applied (version ${facts.versionBefore ?? 'none'} → ${version})`;
  return { status: 'pass', summary: `${head}; ${checks}`, ...base };
}
