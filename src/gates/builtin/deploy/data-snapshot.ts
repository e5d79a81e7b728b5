import type { Pool, PoolClient } from 'pg';
import type { GateThresholds } from '../../../config/sections/gate-thresholds.ts';
import { quoteRecords, type QuotedRecords } from '../db/record-table.ts';

/**
 * §2.2.2's figures of the records table, and what must survive a migration unchanged: the record
 * ids (as an order-independent checksum), the columns' types and the constraints.
 */

type RecordsConfig = GateThresholds['db']['records'];

/** A column as information_schema.columns describes it, with PostgreSQL's own spelling of its type. */
export interface ColumnShape {
  name: string;
  dataType: string;
  udtName: string;
  maxLength: number | null;
  precision: number | null;
  scale: number | null;
  nullable: boolean;
  /** format_type(): `character varying(200)`, `numeric(10,2)`; what is compared and shown. */
  type: string;
}

export interface ConstraintShape {
  name: string;
  /** pg_constraint.contype: c check, f foreign key, p primary key, u unique, x exclusion, n not null. */
  type: string;
  definition: string;
  validated: boolean;
}

/** The spec's query row, as the spec names its columns. */
export interface SpecFigures {
  total_records: number;
  unique_leads: number;
  earliest_record: Date | null;
  latest_record: Date | null;
}

/** Rows, distinct ids and the checksum of the ids, over the rows a snapshot counts. */
export interface Tally {
  total: number;
  unique: number;
  /** The sum of a 64-bit hash of every id: the same for the same ids in any order. */
  checksum: string;
}

export interface RecordFigures {
  spec: SpecFigures;
  /** created_at's bounds as text, to the microsecond (a Date keeps milliseconds only). */
  earliest: string | null;
  latest: string | null;
  /** Every row, or (after a migration) only the rows created up to the before snapshot's latest. */
  tally: Tally;
}

export interface RecordsSnapshot {
  /** The configured table, as configured (`hermes_leads`). */
  table: string;
  columns: ColumnShape[];
  constraints: ConstraintShape[];
  /** null when a column the figures need is gone (the column comparison names it). */
  figures: RecordFigures | null;
}

/** §2.2.2's query; with the default records table and columns, the spec's text exactly. */
export function specQuery(r: QuotedRecords): string {
  const createdAt = r.createdAtColumn ?? 'NULL::timestamptz';
  return `SELECT
    COUNT(*) as total_records,
    COUNT(DISTINCT ${r.idColumn}) as unique_leads,
    MIN(${createdAt}) as earliest_record,
    MAX(${createdAt}) as latest_record
FROM ${r.table};`;
}

/**
 * The tally's query. After a migration it counts only the rows created up to `$1` (the before
 * snapshot's latest), so that leads the intake commits meanwhile are not taken for a change; a
 * row whose created_at is NULL was there before too. hashtextextended scales to millions of rows
 * without holding them (a sorted string_agg would build one string of them all).
 */
export function tallyQuery(r: QuotedRecords, bounded: boolean): string {
  const where =
    bounded && r.createdAtColumn !== null
      ? `\n WHERE ${r.createdAtColumn} IS NULL OR ${r.createdAtColumn} <= $1::timestamptz`
      : '';
  return `SELECT COUNT(*) AS total, COUNT(DISTINCT ${r.idColumn}) AS "unique",
       COALESCE(SUM(hashtextextended(${r.idColumn}::text, 0)), 0)::text AS checksum
  FROM ${r.table}${where}`;
}

const columnsSql = `
SELECT c.column_name::text AS name, c.data_type::text AS "dataType", c.udt_name::text AS "udtName",
       c.character_maximum_length::int AS "maxLength", c.numeric_precision::int AS precision,
       c.numeric_scale::int AS scale, c.is_nullable::text = 'YES' AS nullable,
       format_type(a.atttypid, a.atttypmod) AS type
  FROM pg_class t
  JOIN pg_namespace n ON n.oid = t.relnamespace
  JOIN information_schema.columns c ON c.table_schema = n.nspname AND c.table_name = t.relname
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = c.column_name
 WHERE t.oid = to_regclass($1)
 ORDER BY c.ordinal_position`;

const constraintsSql = `
SELECT conname::text AS name, contype::text AS type, pg_get_constraintdef(oid) AS definition,
       convalidated AS validated
  FROM pg_constraint
 WHERE conrelid = to_regclass($1)
 ORDER BY conname`;

async function takeFigures(
  client: PoolClient,
  r: QuotedRecords,
  upTo: string | null | undefined,
): Promise<RecordFigures> {
  // Aggregates without GROUP BY return exactly one row.
  const spec = (await client.query<SpecFigures>(specQuery(r))).rows[0] as SpecFigures;
  const bounds =
    r.createdAtColumn === null
      ? undefined
      : (
          await client.query<{ earliest: string | null; latest: string | null }>(
            `SELECT MIN(${r.createdAtColumn})::text AS earliest, MAX(${r.createdAtColumn})::text AS latest FROM ${r.table}`,
          )
        ).rows[0];
  const bounded = upTo !== undefined && r.createdAtColumn !== null;
  const tally = (await client.query<Tally>(tallyQuery(r, bounded), bounded ? [upTo] : [])).rows[0] as Tally;
  return { spec, earliest: bounds?.earliest ?? null, latest: bounds?.latest ?? null, tally };
}

/**
 * The records table's snapshot in one read-only REPEATABLE READ transaction (every figure of
 * the same moment), bounded by `timeoutMs`; null when there is no such table. `upTo`: take the
 * tally only over the rows created up to then (the before snapshot's `latest`; null: it had none).
 */
export async function takeRecordsSnapshot(
  pool: Pool,
  records: RecordsConfig,
  timeoutMs: number,
  upTo?: string | null,
): Promise<RecordsSnapshot | null> {
  const r = quoteRecords(records);
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      await client.query(`SELECT set_config('statement_timeout', $1, true)`, [String(timeoutMs)]);
      const exists = await client.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
        r.table,
      ]);
      if (exists.rows[0]?.found !== true) return null;
      const columns = (await client.query<ColumnShape>(columnsSql, [r.table])).rows;
      const constraints = (await client.query<ConstraintShape>(constraintsSql, [r.table])).rows;
      const names = new Set(columns.map((c) => c.name));
      const needed = [
        records.idColumn,
        ...(records.createdAtColumn === null ? [] : [records.createdAtColumn]),
      ];
      const figures = needed.every((n) => names.has(n)) ? await takeFigures(client, r, upTo) : null;
      return { table: records.table, columns, constraints, figures };
    } finally {
      // Read only: nothing to undo; after a broken connection, the error that broke it counts.
      await client.query('ROLLBACK').catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
