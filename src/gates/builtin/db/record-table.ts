import type { Queryable } from '../../../db/queryable.ts';
import type { GateThresholds } from '../../../config/sections/gate-thresholds.ts';

export type RecordsConfig = GateThresholds['db']['records'];

/** An identifier as SQL text, quoted where PostgreSQL needs it (`hermes_leads`, `"Customers"`). */
export type SqlIdentifier = string & { readonly __sql: 'identifier' };

/** The configured records table and columns, each ready to splice into SQL. */
export interface QuotedRecords {
  readonly table: SqlIdentifier;
  readonly idColumn: SqlIdentifier;
  readonly emailColumn: SqlIdentifier | null;
  readonly outboxTable: SqlIdentifier | null;
}

/** `app.customers` names a table in schema app; a name without a dot is found on the search_path. */
export function nameParts(name: string): string[] {
  return name.split('.');
}

/**
 * Quotes each name with the server's own quote_ident, which leaves a plain lower-case name bare
 * (so the defaults read exactly as the spec's queries) and quotes keywords and mixed case.
 */
export async function quoteNames(db: Queryable, names: readonly string[]): Promise<SqlIdentifier[]> {
  if (names.length === 0) return [];
  const { rows } = await db.query<{ quoted: string }>(
    'SELECT quote_ident(name) AS quoted FROM unnest($1::text[]) WITH ORDINALITY AS n(name, i) ORDER BY i',
    [names],
  );
  return rows.map((r) => r.quoted as SqlIdentifier);
}

/** A possibly schema-qualified table name, each part quoted. */
export async function quoteTable(db: Queryable, name: string): Promise<SqlIdentifier> {
  return (await quoteNames(db, nameParts(name))).join('.') as SqlIdentifier;
}

export async function quoteRecords(db: Queryable, records: RecordsConfig): Promise<QuotedRecords> {
  const [idColumn, emailColumn] = await quoteNames(db, [records.idColumn, records.emailColumn ?? '']);
  return {
    table: await quoteTable(db, records.table),
    idColumn: idColumn as SqlIdentifier,
    emailColumn: records.emailColumn === null ? null : (emailColumn as SqlIdentifier),
    outboxTable: records.outboxTable === null ? null : await quoteTable(db, records.outboxTable),
  };
}

export async function relationExists(db: Queryable, quoted: SqlIdentifier): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [
    quoted,
  ]);
  return rows[0]?.exists ?? false;
}

/** The column names of a table that exists. */
export async function columnsOf(db: Queryable, quoted: SqlIdentifier): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped`,
    [quoted],
  );
  return new Set(rows.map((r) => r.name));
}
