import type { HermesConfig } from '../../../config/schema.ts';
import type { Queryable } from '../../../db/queryable.ts';
import { syntheticSource } from '../../../leads/synthetic-source.ts';
import type { Evidence, Gate, GateOutcome, GateStatus, Measurement, ThresholdInfo } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { errorOutcome, listSome, measure, skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { integrityQueries, unvalidatedSql, type IntegrityQueries } from './integrity-queries.ts';
import { isOwnLeadsTable } from './own-leads.ts';
import {
  columnsOf,
  quoteRecords,
  relationExists,
  type QuotedRecords,
  type RecordsConfig,
} from './record-table.ts';

const recordsKey = 'gates.thresholds.db.records';
export type DuplicateEmailPolicy = 'report' | 'warn' | 'fail';

async function count(db: Queryable, sql: string): Promise<number> {
  const { rows } = await db.query<Record<string, unknown>>(sql);
  return Number(Object.values(rows[0] ?? {})[0] ?? 0);
}

/** Hermes's own leads read as the spec words them; another project's table is named in full. */
function labels(records: RecordsConfig) {
  const own = isOwnLeadsTable(records.table);
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

export interface IntegrityCounts {
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

interface JudgedTables {
  quoted: QuotedRecords;
  columns: ReadonlySet<string>;
  outboxPresent: boolean;
}

/** The configured tables on this database: why `gateId` cannot judge them, or the ones to judge. */
async function checkTables(
  db: Queryable,
  records: RecordsConfig,
  gateId: string,
): Promise<GateOutcome | JudgedTables> {
  const quoted = quoteRecords(records);
  if (!(await relationExists(db, quoted.table)))
    return skipOutcome(
      `no table ${records.table} on the configured database: nothing to judge`,
      `${gateId} judges the project's table of records; set ${recordsKey}.table (and idColumn, emailColumn, createdAtColumn, outboxTable) to this project's`,
    );
  const outboxColumns =
    quoted.outboxTable !== null && (await relationExists(db, quoted.outboxTable))
      ? await columnsOf(db, quoted.outboxTable)
      : null;
  const columns = await columnsOf(db, quoted.table);
  const missing = missingColumns(records, columns, outboxColumns);
  if (missing.length > 0)
    return errorOutcome('the configured records columns do not exist', missing.join('; '));
  return { quoted, columns, outboxPresent: outboxColumns !== null };
}

/**
 * The `source` whose rows the duplicate-email count leaves out: Hermes's synthetic leads, only in
 * its own hermes_leads (another project's table has no such column).
 */
export function excludedSource(records: RecordsConfig, columns: ReadonlySet<string>): string | null {
  return isOwnLeadsTable(records.table) && columns.has('source') ? syntheticSource : null;
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

/** What the checks found on a table they could judge: the verdict and the parts of its outcome. */
export interface IntegrityFindings {
  counts: IntegrityCounts;
  verdict: GateStatus;
  problems: string[];
  /** The checks left out. */
  skipped: string[];
  measurements: Measurement[];
  evidence: Evidence[];
  /** The summary of a clean table. */
  clean: string;
  /** The records table's columns, for a gate that reads more of them than these checks. */
  columns: ReadonlySet<string>;
}

/**
 * §1.3.2's checks on the configured records table, for db.integrity and db.validate-data (which
 * names itself as `gateId`); an outcome instead when the table cannot be judged.
 */
export async function findIntegrity(
  db: Queryable,
  records: RecordsConfig,
  policy: DuplicateEmailPolicy,
  gateId: string,
): Promise<GateOutcome | IntegrityFindings> {
  const tables = await checkTables(db, records, gateId);
  if ('status' in tables) return tables;
  const sql = integrityQueries(tables.quoted, excludedSource(records, tables.columns));
  const counts = await countAll(db, sql, tables.outboxPresent);
  const { status, problems } = judgeIntegrity(counts, policy, records);
  return {
    counts,
    verdict: status,
    problems,
    skipped: notChecked(records, tables.outboxPresent),
    measurements: measurementsOf(counts, policy, records),
    evidence: await duplicateEvidence(db, counts, sql, records),
    clean: cleanText(counts, records),
    columns: tables.columns,
  };
}

/** db.integrity's outcome: the problems (or what a clean table holds), then the checks left out. */
function integrityOutcome(found: IntegrityFindings): GateOutcome {
  return {
    status: found.verdict,
    summary: [found.problems.length > 0 ? listSome(found.problems) : found.clean, ...found.skipped].join(
      '; ',
    ),
    measurements: found.measurements,
    evidence: found.evidence,
  };
}

/** The settings of §1.3.2's checks, for `hermes gates explain` (db.validate-data runs them too). */
export function integrityThresholds(config: Readonly<HermesConfig>): ThresholdInfo[] {
  return [
    ...describeThresholds(config, 'db', 'integrity', {
      duplicateEmails: 'duplicate emails: report (measurement only), warn or fail',
    }),
    ...describeThresholds(config, 'db', 'records', {
      table: 'the table of records judged (schema-qualified allowed, e.g. app.customers)',
      idColumn: 'the column that is never NULL nor duplicated',
      emailColumn: 'the column whose duplicates are counted (null: not checked)',
      outboxTable: 'a table whose rows each need their record, by idColumn (null: not checked)',
    }),
  ];
}

export const integrityGate: Gate = {
  id: 'db.integrity',
  stage: 'pre-deploy',
  title: 'Data integrity',
  description:
    "Runs the spec's data-consistency queries on the configured database's table of records (gates.thresholds.db.records; Hermes's hermes_leads by default): no orphaned records (id column NULL), no duplicate ids, every constraint validated, no outbox row without its record. Duplicate emails are counted by the spec's query and judged by the configured policy (a returning customer is legitimate); on Hermes's own hermes_leads that count leaves out its synthetic leads (source = 'deployment-test'), which are no customer at all. Skips when the table does not exist.",
  spec: '§1.3.2',
  dependsOn: ['db.migrations.applied'],
  timeoutMs: 120_000,
  thresholds: integrityThresholds,
  run: (ctx) =>
    withGateDatabase(ctx, 'check data integrity', async (db) => {
      const thresholds = gateThresholds(ctx.config).db;
      const found = await findIntegrity(
        db.pool,
        thresholds.records,
        thresholds.integrity.duplicateEmails,
        'db.integrity',
      );
      return 'status' in found ? found : integrityOutcome(found);
    }),
};
