import type { HermesConfig } from '../../../config/schema.ts';
import type { Queryable } from '../../../db/queryable.ts';
import type { Gate, GateOutcome, GateStatus, Measurement } from '../../gate.ts';
import { noDataOutcome } from '../../no-data.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { withReadOnlyTransaction } from '../support/live-read-only.ts';
import { errorOutcome, listSome, measure } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import {
  findIntegrity,
  integrityThresholds,
  type DuplicateEmailPolicy,
  type IntegrityFindings,
} from './integrity.ts';
import { isOwnLeadsTable } from './own-leads.ts';
import { quoteRecords, type RecordsConfig } from './record-table.ts';
import {
  requiredFieldsQuery,
  type RequiredField,
  type RequiredFieldsQuery,
} from './required-fields-query.ts';

const validateDataId = 'db.validate-data';

/** What §4.2.1's query counted. */
export interface RequiredCounts {
  total: number;
  missing: readonly { field: RequiredField; count: number }[];
}

async function countRequired(db: Queryable, query: RequiredFieldsQuery): Promise<RequiredCounts> {
  const { rows } = await db.query<Record<string, unknown>>(query.sql);
  const row = rows[0] ?? {};
  return {
    total: Number(row.total_leads ?? 0),
    missing: query.fields.map((field) => ({ field, count: Number(row[field.name] ?? 0) })),
  };
}

/** §4.2.1's "any required fields are NULL": each non-zero count, with the column it counts. */
export function requiredFieldProblems(counts: RequiredCounts, records: RecordsConfig): string[] {
  const where = isOwnLeadsTable(records.table) ? '' : `${records.table}.`;
  return counts.missing
    .filter((m) => m.count > 0)
    .map((m) => `${m.count} ${m.field.name} (${where}${m.field.column} IS NULL)`);
}

/** The verdict on both sets of checks: a NULL required field fails, else db.integrity's verdict stands. */
export function judgeLiveData(
  found: Pick<IntegrityFindings, 'verdict' | 'problems'>,
  counts: RequiredCounts,
  records: RecordsConfig,
): { status: GateStatus; problems: string[] } {
  const missing = requiredFieldProblems(counts, records);
  return {
    status: missing.length > 0 ? 'fail' : found.verdict,
    problems: [...found.problems, ...missing],
  };
}

/** §4.2.1's counts the configuration leaves out (a column set to null), said in the summary. */
function requiredNotChecked(records: RecordsConfig): string[] {
  return [
    ...(records.emailColumn === null ? ['missing_emails not checked (no emailColumn)'] : []),
    ...(records.createdAtColumn === null ? ['missing_timestamps not checked (no createdAtColumn)'] : []),
  ];
}

function liveDataOutcome(
  config: Readonly<HermesConfig>,
  found: IntegrityFindings,
  counts: RequiredCounts,
  records: RecordsConfig,
): GateOutcome {
  const { status, problems } = judgeLiveData(found, counts, records);
  const measurements: Measurement[] = [
    ...found.measurements,
    ...counts.missing.map((m) => measure(m.field.name, m.count, 'count', 0, '==')),
  ];
  // Counts of nothing are no evidence of health; a fault found without rows (an unvalidated
  // constraint, an outbox row whose record is gone) still fails.
  if (counts.total === 0 && status !== 'fail')
    return {
      ...noDataOutcome(config, validateDataId, `${records.table} has no rows: no record to judge`),
      measurements,
    };
  const columns = counts.missing.map((m) => m.field.column).join(', ');
  const clean = `${found.clean}; no required field NULL (${columns})`;
  return {
    status,
    summary: [
      problems.length > 0 ? listSome(problems) : clean,
      ...found.skipped,
      ...requiredNotChecked(records),
    ].join('; '),
    measurements,
    evidence: found.evidence,
  };
}

async function validate(
  config: Readonly<HermesConfig>,
  db: Queryable,
  records: RecordsConfig,
  policy: DuplicateEmailPolicy,
): Promise<GateOutcome> {
  const found = await findIntegrity(db, records, policy, validateDataId);
  if ('status' in found) return found;
  // db.integrity does not read createdAtColumn, so it is only checked here.
  if (records.createdAtColumn !== null && !found.columns.has(records.createdAtColumn))
    return errorOutcome(
      'the configured records columns do not exist',
      `column ${records.createdAtColumn} (gates.thresholds.db.records.createdAtColumn) does not exist in ${records.table}`,
    );
  const counts = await countRequired(db, requiredFieldsQuery(quoteRecords(records)));
  return liveDataOutcome(config, found, counts, records);
}

export const validateDataGate: Gate = {
  id: validateDataId,
  stage: 'post-deploy',
  title: 'Live data integrity',
  description:
    "On the live database, in one read-only transaction bounded by statementTimeoutMs, db.integrity's §1.3.2 checks (no orphaned records, no duplicate ids, every constraint validated, no outbox row without its record; duplicate emails judged by the integrity policy, Hermes's synthetic leads left out) and §4.2.1's query as the spec writes it (total_leads, missing_lead_ids, missing_emails, missing_timestamps): a required field that is NULL fails, naming each count. An empty table is no data (gates.noData), never a pass; skips when the table does not exist.",
  spec: '§4.2.1',
  timeoutMs: 120_000,
  thresholds: (config) => [
    ...describeThresholds(config, 'db', 'validateData', {
      statementTimeoutMs: 'statement_timeout of the read-only transaction on the live database (ms)',
    }),
    ...integrityThresholds(config),
    ...describeThresholds(config, 'db', 'records', {
      createdAtColumn: 'the column counted as missing_timestamps when NULL (null: not checked)',
    }),
  ],
  run: (ctx) =>
    withGateDatabase(ctx, 'validate the live data', async (db) => {
      const thresholds = gateThresholds(ctx.config).db;
      return withReadOnlyTransaction(db.pool, thresholds.validateData.statementTimeoutMs, (client) =>
        validate(ctx.config, client, thresholds.records, thresholds.integrity.duplicateEmails),
      );
    }),
};
