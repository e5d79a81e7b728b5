import type { GateOutcome, Measurement } from '../../gate.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import { smokeLead, smokeLeadId } from './smoke-statements.ts';

/** A step that ran: what it gave, or why the database refused it. */
export type Step<T> = { ok: true; value: T } | { ok: false; reason: string };

/** The rows that existed before the test, read before and after it. */
export interface Snapshot {
  rows: number;
  /** bigint as text: the bound of the snapshot after. */
  maxId: string;
  checksum: string;
}

export interface Retrieved {
  rows: number;
  /** Columns of the first row that differ from what the INSERT set (none when no row came back). */
  mismatched: string[];
}

export interface Removed {
  rows: number;
  /** False when the DELETE matched other than one row and was rolled back. */
  committed: boolean;
}

/** One run of §3.1.2; a step not run (nothing inserted) is null. */
export interface SmokeRun {
  before: Snapshot;
  insert: Step<null>;
  retrieve: Step<Retrieved> | null;
  remove: Step<Removed> | null;
  /** Read after the test, bounded by before.maxId; `leftover`: DEPLOYMENT-TEST-001 rows still there. */
  after: Step<Snapshot & { leftover: number }>;
}

const checkedColumns = Object.keys(smokeLead).length;

function stepMeasurements(run: SmokeRun): Measurement[] {
  const { retrieve, remove } = run;
  return [
    measure('insert', run.insert.ok ? 1 : 0, 'bool', 1, '=='),
    ...(retrieve?.ok ? [measure('rows retrieved', retrieve.value.rows, 'count', 1, '==')] : []),
    // Columns are compared on a row read back: none when the SELECT found none.
    ...(retrieve?.ok && retrieve.value.rows > 0
      ? [
          measure(
            'columns retrieved as inserted',
            checkedColumns - retrieve.value.mismatched.length,
            'count',
            checkedColumns,
            '==',
          ),
        ]
      : []),
    ...(remove?.ok
      ? [measure('rows deleted', remove.value.committed ? remove.value.rows : 0, 'count', 1, '==')]
      : []),
  ];
}

function sideEffectMeasurements(run: SmokeRun): Measurement[] {
  if (!run.after.ok) return [];
  const after = run.after.value;
  return [
    measure('existing rows', after.rows, 'count', run.before.rows, '=='),
    measure('existing rows unchanged', after.checksum === run.before.checksum ? 1 : 0, 'bool', 1, '=='),
    measure(`${smokeLeadId} rows left`, after.leftover, 'count', 0, '=='),
  ];
}

function stepProblems(run: SmokeRun): string[] {
  const { insert, retrieve, remove } = run;
  const problems: string[] = [];
  if (!insert.ok) problems.push(`INSERT failed: ${insert.reason}`);
  if (retrieve && !retrieve.ok) problems.push(`SELECT failed: ${retrieve.reason}`);
  if (retrieve?.ok && retrieve.value.rows !== 1)
    problems.push(`SELECT returned ${plural(retrieve.value.rows, 'row')}, expected 1`);
  if (retrieve?.ok && retrieve.value.mismatched.length > 0)
    problems.push(`the row read back differs in ${listSome(retrieve.value.mismatched)}`);
  if (remove && !remove.ok) problems.push(`DELETE failed: ${remove.reason}`);
  if (remove?.ok && !remove.value.committed)
    problems.push(`DELETE matched ${plural(remove.value.rows, 'row')}, expected 1: rolled back`);
  return problems;
}

function sideEffectProblems(run: SmokeRun): string[] {
  if (!run.after.ok) return [`could not read hermes_leads after the test: ${run.after.reason}`];
  const { before } = run;
  const after = run.after.value;
  return [
    ...(after.rows !== before.rows ? [`existing rows: ${before.rows} before, ${after.rows} after`] : []),
    ...(after.rows === before.rows && after.checksum !== before.checksum
      ? ['existing rows changed during the test (checksum differs)']
      : []),
    ...(after.leftover > 0 ? [`${smokeLeadId} left in hermes_leads: delete it once looked at`] : []),
  ];
}

/** The verdict on one run: any step or side effect at fault fails, each named. */
export function judgeSmoke(run: SmokeRun): GateOutcome {
  const measurements = [...stepMeasurements(run), ...sideEffectMeasurements(run)];
  const problems = [...stepProblems(run), ...sideEffectProblems(run)];
  if (problems.length > 0) {
    const notRun = run.retrieve === null ? ['SELECT and DELETE not run (nothing inserted)'] : [];
    return { status: 'fail', summary: [...problems, ...notRun].join('; '), measurements };
  }
  return {
    status: 'pass',
    summary: `INSERT, SELECT and DELETE of ${smokeLeadId} succeeded, its ${checkedColumns} columns read back as written; ${plural(run.before.rows, 'existing lead')} unchanged (count and checksum)`,
    measurements,
  };
}

/** A lead DEPLOYMENT-TEST-001 was there before: the gate ran nothing and left it as it was. */
export function preExistingOutcome(present: number): GateOutcome {
  return {
    status: 'fail',
    summary: `a lead ${smokeLeadId} already exists in hermes_leads: the smoke test did not run and left it untouched (an earlier run's leftover? look, then delete it)`,
    measurements: [measure(`${smokeLeadId} rows before the test`, present, 'count', 0, '==')],
  };
}
