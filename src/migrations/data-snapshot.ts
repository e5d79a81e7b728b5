import { createHash } from 'node:crypto';
import type { Queryable } from '../db/queryable.ts';
import { userTablesSql } from './user-tables.ts';

/** The rows of one table, each as its columns' JSON values. */
export interface TableRows {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** `schema.table` → its rows: a seeded scratch database holds a few rows per table. */
export type DataSnapshot = Map<string, TableRows>;

const tableColumnsSql = `
SELECT t.name, t.quoted,
       ARRAY(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns
  FROM (${userTablesSql}) t`;

/** Two queries whatever the number of tables: the gate takes one snapshot per step. */
export async function takeDataSnapshot(db: Queryable): Promise<DataSnapshot> {
  const { rows: tables } = await db.query<{ name: string; quoted: string; columns: string[] }>(
    tableColumnsSql,
  );
  const snapshot: DataSnapshot = new Map(tables.map((t) => [t.name, { columns: t.columns, rows: [] }]));
  if (tables.length === 0) return snapshot;
  // Table names come from the catalog, quoted by format('%I'); the index is a number. `x.*`, not
  // `x`: a column named x would otherwise be taken for the row.
  const union = tables
    .map((t, i) => `SELECT ${String(i)} AS i, to_jsonb(x.*) AS row FROM ${t.quoted} x`)
    .join('\nUNION ALL\n');
  const { rows } = await db.query<{ i: number; row: Record<string, unknown> }>(union);
  for (const { i, row } of rows) {
    const table = tables[i];
    if (table !== undefined) snapshot.get(table.name)?.rows.push(row);
  }
  return snapshot;
}

/** A table whose rows present before an up are not all there after its down. */
export interface TableLoss {
  table: string;
  /** Rows gone (or changed) that the down itself lost, not ones an earlier step already had. */
  lost: number;
  before: { rows: number; checksum: string };
  after: { rows: number; checksum: string };
}

/**
 * Compares, table by table, the rows before an up (`before`) with those after its down
 * (`after`), on the columns both have: a down that drops the column its up added loses nothing.
 * A row already missing just before the down (`beforeDown`: a later migration's down lost it)
 * is that migration's loss, not this one's.
 */
export function lostRows(before: DataSnapshot, beforeDown: DataSnapshot, after: DataSnapshot): TableLoss[] {
  const losses: TableLoss[] = [];
  for (const [table, old] of before) {
    const now = after.get(table);
    if (now === undefined || old.rows.length === 0) continue;
    const common = old.columns.filter((c) => now.columns.includes(c));
    const stillThere = counts(now.rows, common);
    const down = beforeDown.get(table);
    const downColumns = down === undefined ? [] : common.filter((c) => down.columns.includes(c));
    const thereBeforeDown = down === undefined ? new Map<string, number>() : counts(down.rows, downColumns);
    let lost = 0;
    for (const row of old.rows) {
      if (take(stillThere, keyOf(row, common))) continue;
      if (take(thereBeforeDown, keyOf(row, downColumns))) lost += 1;
    }
    if (lost > 0) {
      losses.push({
        table,
        lost,
        before: { rows: old.rows.length, checksum: checksumOf(old.rows, common) },
        after: { rows: now.rows.length, checksum: checksumOf(now.rows, common) },
      });
    }
  }
  return losses;
}

function keyOf(row: Record<string, unknown>, columns: readonly string[]): string {
  return JSON.stringify(columns.map((c) => row[c] ?? null));
}

function counts(rows: readonly Record<string, unknown>[], columns: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const row of rows) {
    const key = keyOf(row, columns);
    map.set(key, (map.get(key) ?? 0) + 1);
  }
  return map;
}

function take(map: Map<string, number>, key: string): boolean {
  const n = map.get(key) ?? 0;
  if (n === 0) return false;
  map.set(key, n - 1);
  return true;
}

/** sha256 of the sorted rows on `columns`, shortened: enough to show two sets differ. */
function checksumOf(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const keys = rows.map((row) => keyOf(row, columns)).sort();
  return createHash('sha256').update(keys.join('\n')).digest('hex').slice(0, 12);
}
