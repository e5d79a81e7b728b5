import type { Queryable } from '../../../db/queryable.ts';
import { insertSyntheticLeads } from '../../../leads/insert-synthetic-leads.ts';
import { quoteIdentifier, quoteQualifiedName, type RecordsConfig } from './record-table.ts';
import { errorMessage } from '../../../errors/error-message.ts';

/** A column of the records table, as the catalog describes it. */
interface ColumnInfo {
  /** Quoted identifier. */
  column: string;
  name: string;
  /** `format_type`, the cast of its value. */
  type: string;
  /** pg_type.typcategory: S string, N numeric, B boolean, D date/time, E enum, A array, I network. */
  category: string;
  typeName: string;
  notNull: boolean;
  /** A default, an identity or a generated value: the insert leaves it out. */
  filledByDatabase: boolean;
  /** GENERATED ALWAYS (identity or stored): cannot be given a value. */
  generated: boolean;
  references: boolean;
  enumLabel: string | null;
  checks: string[];
}

const columnsSql = `
SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
       t.typcategory AS category, t.typname AS "typeName", a.attnotnull AS "notNull",
       (d.adbin IS NOT NULL OR a.attidentity <> '' OR a.attgenerated <> '') AS "filledByDatabase",
       (a.attidentity = 'a' OR a.attgenerated <> '') AS generated,
       EXISTS (SELECT 1 FROM pg_constraint fk
                WHERE fk.conrelid = a.attrelid AND fk.contype = 'f' AND a.attnum = ANY (fk.conkey)) AS "references",
       (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder LIMIT 1) AS "enumLabel",
       ARRAY(SELECT pg_get_constraintdef(ck.oid) FROM pg_constraint ck
              WHERE ck.conrelid = a.attrelid AND ck.contype = 'c' AND ck.conkey = ARRAY[a.attnum]) AS checks
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum`;

export type FillResult = { filled: number } | { filled: 0; refused: string };

/** Row `i` of `$1` rows: created_at spread over two years, as the synthetic leads are. */
const spreadOverTwoYears = 'now() - make_interval(secs => i * (63072000.0 / $1::int))';

type ColumnValue =
  | { kind: 'omit' }
  | { kind: 'sql'; sql: string }
  | { kind: 'literal'; value: string }
  | { kind: 'none'; why: string };

/**
 * What row `i` puts in a column: the queried email and date columns always get a value (so the
 * lookups have something to find), other NOT NULL columns without a default a generic one
 * (distinct per row where the type allows, for UNIQUE), everything else its default or NULL.
 */
export function columnValue(column: ColumnInfo, records: RecordsConfig): ColumnValue {
  if (column.generated) return { kind: 'omit' };
  if (column.name === records.emailColumn)
    return { kind: 'sql', sql: `('record' || i || '@example.invalid')` };
  if (column.name === records.createdAtColumn) return { kind: 'sql', sql: `(${spreadOverTwoYears})` };
  if (column.filledByDatabase || !column.notNull) return { kind: 'omit' };
  if (column.references)
    return { kind: 'none', why: `NOT NULL column ${column.column} references another table` };
  // `status IN ('a', 'b')` prints as `= ANY (ARRAY['a'::text, ...])`: take the first allowed value.
  for (const check of column.checks) {
    const listed = /ARRAY\['((?:[^']|'')*)'/.exec(check) ?? /ARRAY\[\(?(-?[\d.]+)/.exec(check);
    if (listed?.[1] !== undefined) return { kind: 'literal', value: listed[1].replaceAll("''", "'") };
  }
  if (column.typeName === 'uuid') return { kind: 'sql', sql: 'gen_random_uuid()' };
  if (column.typeName === 'json' || column.typeName === 'jsonb') return { kind: 'literal', value: '{}' };
  if (column.typeName === 'bytea') return { kind: 'literal', value: '\\x00' };
  switch (column.category) {
    case 'S':
      return { kind: 'sql', sql: `('synthetic-' || i)` };
    case 'N':
      return { kind: 'sql', sql: 'i' };
    case 'B':
      return { kind: 'literal', value: 'true' };
    case 'D':
      return { kind: 'sql', sql: `(${spreadOverTwoYears})` };
    case 'E':
      return column.enumLabel === null
        ? { kind: 'none', why: `enum column ${column.column} has no label` }
        : { kind: 'literal', value: column.enumLabel };
    case 'A':
      return { kind: 'literal', value: '{}' };
    case 'I':
      return { kind: 'literal', value: '127.0.0.1' };
    default:
      return { kind: 'none', why: `cannot fill NOT NULL column ${column.column} ${column.type} generically` };
  }
}

/** The one INSERT ... SELECT FROM generate_series that fills the table, or why it cannot. */
export function bulkInsertSql(
  table: string,
  columns: readonly ColumnInfo[],
  records: RecordsConfig,
): { sql: string; literals: string[] } | { refused: string } {
  const names: string[] = [];
  const expressions: string[] = [];
  const literals: string[] = [];
  for (const column of columns) {
    const value = columnValue(column, records);
    if (value.kind === 'omit') continue;
    if (value.kind === 'none') return { refused: value.why };
    names.push(column.column);
    if (value.kind === 'sql') expressions.push(`${value.sql}::${column.type}`);
    else {
      literals.push(value.value);
      // $1 is the row count.
      expressions.push(`$${literals.length + 1}::${column.type}`);
    }
  }
  const select = names.length === 0 ? '' : `(${names.join(', ')}) `;
  const body = names.length === 0 ? 'SELECT FROM' : `SELECT ${expressions.join(', ')} FROM`;
  // A table whose every column has a default still gets its rows (`INSERT ... SELECT` of no columns).
  return { sql: `INSERT INTO ${table} ${select}${body} generate_series(1, $1::int) AS i`, literals };
}

/**
 * `count` synthetic rows in the records table of a scratch database (never the live one), then
 * ANALYZE: Hermes's leads as the spec describes them, another project's table generically.
 */
export async function fillSyntheticRecords(
  db: Queryable,
  records: RecordsConfig,
  count: number,
): Promise<FillResult> {
  if (records.table === 'hermes_leads' || records.table === 'public.hermes_leads') {
    await insertSyntheticLeads(db, count);
    return { filled: count };
  }
  const table = quoteQualifiedName(records.table);
  const { rows } = await db.query<Omit<ColumnInfo, 'column'>>(columnsSql, [table]);
  const columns = rows.map((row) => ({ ...row, column: quoteIdentifier(row.name) }));
  const insert = bulkInsertSql(table, columns, records);
  let result: FillResult = { filled: count };
  if ('refused' in insert) result = { filled: 0, refused: insert.refused };
  else if (count > 0) {
    try {
      await db.query(insert.sql, [count, ...insert.literals]);
    } catch (error) {
      result = {
        filled: 0,
        refused: `insert refused: ${errorMessage(error)}`,
      };
    }
  }
  await db.query(`ANALYZE ${table}`);
  return result;
}
