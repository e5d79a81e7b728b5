import type { Queryable } from '../../../db/queryable.ts';
import type { Evidence, Gate, GateOutcome, GateStatus, Measurement, ThresholdInfo } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { errorOutcome, listSome, measure, skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { integrityQueries, unvalidatedSql, type IntegrityQueries } from './integrity-queries.ts';
import {
  columnsOf,
  quoteRecords,
  relationExists,
  type QuotedRecords,
  type RecordsConfig,
} from './record-table.ts';

const recordsKey = 'gates.thresholds.db.records';
type DuplicateEmailPolicy = 'report' | 'warn' | 'fail';

async function count(db: Queryable, sql: string): Promise<number> {
  const { rows } = await db.query<Record<string, unknown>>(sql);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** Hermes's own leads read as the spec words them; another project's table is named in full. */
function labels(records: RecordsConfig) {
  const own = records.table === 'hermes_leads';
  return {
    records: own ? 'leads' : `rows in ${records.table}`,
    id: own ? records.idColumn : `${records.table}.${records.idColumn}`,
    ids: own ? `${records.idColumn}s` : `${records.idColumn}s in ${records.table}`,
    outbox: own
      ? 'outbox rows without a lead'
      : `rows of ${records.outboxTable ?? ''} without their row in ${records.table}`,
  };
}

/** Each configured column the table lacks, with the key that names it. */
export function missingColumns(
  records: RecordsConfig,
  columns: ReadonlySet<string>,
  outboxColumns: ReadonlySet<string> | null,
): string[] {
  const wanted: [string, string | null, ReadonlySet<string> | null, string][] = [
    ['idColumn', records.idColumn, columns, records.table],
    ['emailColumn', records.emailColumn, columns, records.table],
    ['idColumn', records.idColumn, outboxColumns, records.outboxTable ?? ''],
  ];
  return wanted
    .filter(([, column, have]) => column !== null && have !== null && !have.has(column))
    .map(
      ([key, column, , table]) => `column ${column ?? ''} (${recordsKey}.${key}) does not exist in ${table}`,
    );
}

interface IntegrityCounts {
  total: number;
  orphaned: number;
  duplicateIds: number;
  /** null: not checked (no emailColumn). */
  duplicateEmails: number | null;
  /** null: not checked (no outbox table). */
  outboxOrphans: number | null;
  unvalidated: readonly { table_name: string; constraint_name: string }[];
}

/** The verdict on the counts: what fails, what only warns, under the duplicate-email policy. */
export function judgeIntegrity(
  counts: IntegrityCounts,
  policy: DuplicateEmailPolicy,
  records: RecordsConfig,
): { status: GateStatus; problems: string[] } {
  const named = labels(records);
  const failures = [
    ...(counts.orphaned > 0 ? [`${counts.orphaned} orphaned records (${named.id} IS NULL)`] : []),
    ...(counts.duplicateIds > 0 ? [`${counts.duplicateIds} duplicate ${named.ids}`] : []),
    ...counts.unvalidated.map((c) => `constraint ${c.constraint_name} on ${c.table_name} not validated`),
    ...(counts.outboxOrphans ? [`${counts.outboxOrphans} ${named.outbox}`] : []),
  ];
  const emails =
    policy !== 'report' && counts.duplicateEmails ? [`${counts.duplicateEmails} duplicate emails`] : [];
  let status: GateStatus = 'pass';
  if (failures.length > 0 || (policy === 'fail' && emails.length > 0)) status = 'fail';
  else if (emails.length > 0) status = 'warn';
  return { status, problems: [...failures, ...emails] };
}

/** The checks left out, said in the summary so a pass is not read as more than it is. */
function notChecked(records: RecordsConfig, outboxPresent: boolean): string[] {
  return [
    ...(records.emailColumn === null ? ['duplicate emails not checked (no emailColumn)'] : []),
    ...(records.outboxTable === null
      ? ['outbox not checked (no outboxTable)']
      : outboxPresent
        ? []
        : [`outbox not checked (no table ${records.outboxTable})`]),
  ];
}

/** The configured tables on this database: why they cannot be judged, or the one to judge. */
async function checkTables(
  db: Queryable,
  records: RecordsConfig,
): Promise<GateOutcome | { quoted: QuotedRecords; outboxPresent: boolean }> {
  const quoted = quoteRecords(records);
  if (!(await relationExists(db, quoted.table)))
    return skipOutcome(
      `no table ${records.table} on the configured database: nothing to judge`,
      `db.integrity judges the project's table of records; set ${recordsKey}.table (and idColumn, emailColumn, createdAtColumn, outboxTable) to this project's`,
    );
  const outboxColumns =
    quoted.outboxTable !== null && (await relationExists(db, quoted.outboxTable))
      ? await columnsOf(db, quoted.outboxTable)
      : null;
  const missing = missingColumns(records, await columnsOf(db, quoted.table), outboxColumns);
  if (missing.length > 0)
    return errorOutcome('the configured records columns do not exist', missing.join('; '));
  return { quoted, outboxPresent: outboxColumns !== null };
}

async function countAll(
  db: Queryable,
  sql: IntegrityQueries,
  outboxPresent: boolean,
): Promise<IntegrityCounts> {
  return {
    total: await count(db, sql.total),
    orphaned: await count(db, sql.orphaned),
    duplicateIds: await count(db, sql.duplicateIdsCount),
    duplicateEmails: sql.duplicateEmails === null ? null : await count(db, sql.duplicateEmails),
    outboxOrphans: outboxPresent && sql.outboxOrphans !== null ? await count(db, sql.outboxOrphans) : null,
    unvalidated: (await db.query<{ table_name: string; constraint_name: string }>(unvalidatedSql)).rows,
  };
}

function measurementsOf(
  counts: IntegrityCounts,
  policy: DuplicateEmailPolicy,
  records: RecordsConfig,
): Measurement[] {
  return [
    measure('total_leads', counts.total, 'count'),
    measure('orphaned_records', counts.orphaned, 'count', 0, '=='),
    measure(`duplicate_${records.idColumn}s`, counts.duplicateIds, 'count', 0, '=='),
    ...(counts.duplicateEmails === null
      ? []
      : [
          policy === 'report'
            ? measure('duplicate_emails', counts.duplicateEmails, 'count')
            : measure('duplicate_emails', counts.duplicateEmails, 'count', 0, '=='),
        ]),
    measure('unvalidated constraints', counts.unvalidated.length, 'count', 0, '=='),
    ...(counts.outboxOrphans === null
      ? []
      : [measure('outbox rows without a lead', counts.outboxOrphans, 'count', 0, '==')]),
  ];
}

/** The duplicated ids themselves, when there are any. */
async function duplicateEvidence(
  db: Queryable,
  counts: IntegrityCounts,
  sql: IntegrityQueries,
  records: RecordsConfig,
): Promise<Evidence[]> {
  if (counts.duplicateIds === 0) return [];
  const { rows } = await db.query<Record<string, unknown>>(sql.duplicateIds);
  return [
    {
      kind: 'rows',
      title: `duplicate ${records.idColumn}s (first 20)`,
      content: rows.map((r) => ({ ...r })),
    },
  ];
}

/** The summary of a clean table: what was counted. */
function cleanText(counts: IntegrityCounts, records: RecordsConfig): string {
  const named = labels(records);
  const emails = counts.duplicateEmails === null ? [] : [`${counts.duplicateEmails} duplicate emails`];
  return [`${counts.total} ${named.records}: no orphaned records, no duplicate ${named.ids}`, ...emails].join(
    ', ',
  );
}

async function judge(
  db: Queryable,
  records: RecordsConfig,
  policy: DuplicateEmailPolicy,
): Promise<GateOutcome> {
  const tables = await checkTables(db, records);
  if ('status' in tables) return tables;
  const sql = integrityQueries(tables.quoted);
  const counts = await countAll(db, sql, tables.outboxPresent);
  const { status, problems } = judgeIntegrity(counts, policy, records);
  const skipped = notChecked(records, tables.outboxPresent);
  return {
    status,
    summary: [problems.length > 0 ? listSome(problems) : cleanText(counts, records), ...skipped].join('; '),
    measurements: measurementsOf(counts, policy, records),
    evidence: await duplicateEvidence(db, counts, sql, records),
  };
}

export const integrityGate: Gate = {
  id: 'db.integrity',
  stage: 'pre-deploy',
  title: 'Data integrity',
  description:
    "Runs the spec's data-consistency queries on the configured database's table of records (gates.thresholds.db.records; Hermes's hermes_leads by default): no orphaned records (id column NULL), no duplicate ids, every constraint validated, no outbox row without its record. Duplicate emails are counted and judged by the configured policy (a returning customer is legitimate). Skips when the table does not exist.",
  spec: '§1.3.2',
  dependsOn: ['db.migrations.applied'],
  timeoutMs: 120_000,
  thresholds: (config): ThresholdInfo[] => [
    ...describeThresholds(config, 'db', 'integrity', {
      duplicateEmails: 'duplicate emails: report (measurement only), warn or fail',
    }),
    ...describeThresholds(config, 'db', 'records', {
      table: 'the table of records judged (schema-qualified allowed, e.g. app.customers)',
      idColumn: 'the column that is never NULL nor duplicated',
      emailColumn: 'the column whose duplicates are counted (null: not checked)',
      outboxTable: 'a table whose rows each need their record, by idColumn (null: not checked)',
    }),
  ],
  run: (ctx) =>
    withGateDatabase(ctx, 'check data integrity', async (db) => {
      const thresholds = gateThresholds(ctx.config).db;
      return judge(db.pool, thresholds.records, thresholds.integrity.duplicateEmails);
    }),
};
