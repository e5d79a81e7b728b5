import pg from 'pg';
import type { Queryable } from '../../../db/queryable.ts';
export { relationExists } from '../../../db/relation-exists.ts';
import type { GateThresholds } from '../../../config/sections/gate-thresholds.ts';
import { quotedKeywords } from './sql-keywords.ts';

/**
 * `gates.thresholds.db.records`: the project's table of records and its columns, read by
 * db.integrity, db.query-plans and db.schema.indexes. This module is the one place that turns
 * those names into SQL and asks the catalog about them.
 */
export type RecordsConfig = GateThresholds['db']['records'];

/** An identifier as SQL text, quoted where PostgreSQL needs it (`hermes_leads`, `"Customers"`). */
export type SqlIdentifier = string & { readonly __sql: 'identifier' };

/** The configured records table and columns, each ready to splice into SQL. */
export interface QuotedRecords {
  readonly table: SqlIdentifier;
  readonly idColumn: SqlIdentifier;
  readonly emailColumn: SqlIdentifier | null;
  readonly createdAtColumn: SqlIdentifier | null;
  readonly outboxTable: SqlIdentifier | null;
}

/** What quote_ident leaves bare: lower-case letters, digits and `_`, not starting with a digit. */
const plainIdentifier = /^[a-z_][a-z0-9_]*$/;

/**
 * One name as SQL, by quote_ident's rule but without a round trip: a plain lower-case name that is
 * no keyword stays bare (so the defaults read exactly as the spec's queries), anything else is
 * quoted, with any `"` inside doubled.
 */
export function quoteIdentifier(name: string): SqlIdentifier {
  const bare = plainIdentifier.test(name) && !quotedKeywords.has(name);
  return (bare ? name : pg.escapeIdentifier(name)) as SqlIdentifier;
}

/** `app.customers` names a table in schema app; a name without a dot is found on the search_path. */
export function quoteQualifiedName(name: string): SqlIdentifier {
  return name.split('.').map(quoteIdentifier).join('.') as SqlIdentifier;
}

const quoteOptional = (name: string | null, quote: (n: string) => SqlIdentifier) =>
  name === null ? null : quote(name);

export function quoteRecords(records: RecordsConfig): QuotedRecords {
  return {
    table: quoteQualifiedName(records.table),
    idColumn: quoteIdentifier(records.idColumn),
    emailColumn: quoteOptional(records.emailColumn, quoteIdentifier),
    createdAtColumn: quoteOptional(records.createdAtColumn, quoteIdentifier),
    outboxTable: quoteOptional(records.outboxTable, quoteQualifiedName),
  };
}

/** The column names of a table; none when there is no such table. */
export async function columnsOf(db: Queryable, quoted: SqlIdentifier): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
    [quoted],
  );
  return new Set(rows.map((r) => r.name));
}
