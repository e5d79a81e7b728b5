import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/queryable.ts';
import { insertSyntheticLeads } from '../leads/insert-synthetic-leads.ts';
import { userTablesSql, type UserTable } from './user-tables.ts';
import { errorMessage } from '../errors/error-message.ts';

/** Synthetic leads per seeding: enough to count a loss, few enough to keep the gate fast. */
const syntheticLeads = 3;

/** A NOT NULL column without a default, as the catalog describes it. */
interface RequiredColumn {
  /** Quoted identifier. */
  column: string;
  /** `format_type`, e.g. `character varying(64)`, used as the cast of the parameter. */
  type: string;
  /** pg_type.typcategory: S string, N numeric, B boolean, D date/time, E enum, A array, ... */
  category: string;
  typeName: string;
  enumLabel: string | null;
  /** `schema.table` (quoted) and quoted column of a single-column foreign key, if any. */
  refTable: string | null;
  refColumn: string | null;
  /** The CHECK constraints on this column alone, as `pg_get_constraintdef` prints them. */
  checks: string[];
}

const requiredColumnsSql = `
SELECT quote_ident(a.attname) AS "column", format_type(a.atttypid, a.atttypmod) AS type,
       t.typcategory AS category, t.typname AS "typeName",
       (SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder LIMIT 1) AS "enumLabel",
       (SELECT format('%I.%I', rn.nspname, rc.relname)
          FROM pg_constraint fk JOIN pg_class rc ON rc.oid = fk.confrelid
          JOIN pg_namespace rn ON rn.oid = rc.relnamespace
         WHERE fk.conrelid = a.attrelid AND fk.contype = 'f' AND fk.conkey = ARRAY[a.attnum] LIMIT 1) AS "refTable",
       (SELECT quote_ident(ra.attname)
          FROM pg_constraint fk JOIN pg_attribute ra ON ra.attrelid = fk.confrelid AND ra.attnum = fk.confkey[1]
         WHERE fk.conrelid = a.attrelid AND fk.contype = 'f' AND fk.conkey = ARRAY[a.attnum] LIMIT 1) AS "refColumn",
       ARRAY(SELECT pg_get_constraintdef(ck.oid) FROM pg_constraint ck
              WHERE ck.conrelid = a.attrelid AND ck.contype = 'c' AND ck.conkey = ARRAY[a.attnum]) AS checks
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull
   AND d.adbin IS NULL AND a.attidentity = '' AND a.attgenerated = ''
 ORDER BY a.attnum`;

export interface SeedResult {
  /** `schema.table` of every table that got rows this time. */
  seeded: string[];
  /** `schema.table: why` for every table that could not be filled this time. */
  notSeeded: string[];
}

/**
 * Puts representative rows in every user table not yet in `done` (which it extends), so that a
 * down that deletes them is seen: the synthetic leads of the plan gate in `public.hermes_leads`,
 * one generic row elsewhere (only NOT NULL columns without default get a value; defaults and
 * NULLs do the rest). Each insert is its own statement, so one refused row spoils nothing else.
 */
export async function seedRepresentativeRows(db: Queryable, done: Set<string>): Promise<SeedResult> {
  const { rows: tables } = await db.query<UserTable>(userTablesSql);
  let pending = tables.filter((t) => !done.has(t.name));
  const seeded: string[] = [];
  const refused = new Map<string, string>();
  // The catalog does not change while seeding: each table's columns are read once.
  const columns = new Map<number, RequiredColumn[]>();
  const columnsOf = async (table: UserTable): Promise<RequiredColumn[]> => {
    let known = columns.get(table.oid);
    if (!known) {
      known = (await db.query<RequiredColumn>(requiredColumnsSql, [table.oid])).rows;
      columns.set(table.oid, known);
    }
    return known;
  };
  // Tables referencing others come out right once those have rows: retry while there is progress.
  for (let round = 0; pending.length > 0; round += 1) {
    const next: UserTable[] = [];
    let progress = false;
    for (const table of pending) {
      const attempt = await seedTable(db, table, await columnsOf(table), round === 0);
      if (attempt.ok) {
        seeded.push(table.name);
        done.add(table.name);
        refused.delete(table.name);
        progress = true;
      } else {
        refused.set(table.name, attempt.why);
        // A column no generic value fits stays so; only a refused insert may succeed later.
        if (!attempt.final) next.push(table);
      }
    }
    if (!progress) break;
    pending = next;
  }
  // Not retried on later rounds: its schema rarely becomes fillable, and a report says so once.
  for (const name of refused.keys()) done.add(name);
  return { seeded, notSeeded: [...refused].map(([name, why]) => `${name}: ${why}`) };
}

type SeedAttempt = { ok: true } | { ok: false; why: string; final: boolean };

/** Gives the table a row; why not when it cannot, and whether a later round could. */
async function seedTable(
  db: Queryable,
  table: UserTable,
  columns: readonly RequiredColumn[],
  firstRound: boolean,
): Promise<SeedAttempt> {
  // The synthetic leads need no other table: if they do not fit in the first round, they never will.
  if (firstRound && table.name === 'public.hermes_leads') {
    try {
      await insertSyntheticLeads(db, syntheticLeads);
      return { ok: true };
    } catch {
      // Another project's hermes_leads, or a later shape of it: the generic row may still fit.
    }
  }
  const names: string[] = [];
  const expressions: string[] = [];
  const values: unknown[] = [];
  for (const column of columns) {
    names.push(column.column);
    if (column.refTable !== null && column.refColumn !== null) {
      expressions.push(`(SELECT ${column.refColumn} FROM ${column.refTable} ORDER BY 1 LIMIT 1)`);
      continue;
    }
    const value = genericValue(column);
    if (value === undefined) {
      return {
        ok: false,
        why: `cannot fill NOT NULL column ${column.column} ${column.type} generically`,
        final: true,
      };
    }
    values.push(value);
    expressions.push(`$${values.length}::${column.type}`);
  }
  const sql =
    names.length === 0
      ? `INSERT INTO ${table.quoted} DEFAULT VALUES`
      : `INSERT INTO ${table.quoted} (${names.join(', ')}) VALUES (${expressions.join(', ')})`;
  try {
    await db.query(sql, values);
    return { ok: true };
  } catch (error) {
    return {
      ok: false,
      why: `insert refused: ${errorMessage(error)}`,
      final: false,
    };
  }
}

/** A value every CHECK on the column is likely to accept, as the text of its type; undefined: none. */
function genericValue(column: RequiredColumn): string | undefined {
  // `status IN ('a', 'b')` prints as `= ANY (ARRAY['a'::text, ...])`: take the first allowed value.
  for (const check of column.checks) {
    const listed = /ARRAY\['((?:[^']|'')*)'/.exec(check) ?? /ARRAY\[\(?(-?[\d.]+)/.exec(check);
    if (listed?.[1] !== undefined) return listed[1].replaceAll("''", "'");
  }
  if (column.typeName === 'uuid') return randomUUID();
  if (column.typeName === 'json' || column.typeName === 'jsonb') return '{}';
  if (column.typeName === 'bytea') return '\\x00';
  switch (column.category) {
    case 'S':
      return 'seed';
    case 'N':
      return '1';
    case 'B':
      return 'true';
    case 'D':
      return new Date().toISOString();
    case 'E':
      return column.enumLabel ?? undefined;
    case 'A':
      return '{}';
    case 'I':
      return '127.0.0.1';
    default:
      return undefined;
  }
}
