import pg from 'pg';
import type { GateThresholds } from '../../../config/sections/gate-thresholds.ts';

/** `gates.thresholds.db.records`: the table of records and its columns. */
export type RecordsConfig = GateThresholds['db']['records'];

export interface NamedQuery {
  name: string;
  sql: string;
}

/** A default query pattern, with the column it needs (checked on the migrated schema first). */
export interface DerivedQuery extends NamedQuery {
  column: string;
  /** The setting that names the column, for the note when it is missing. */
  setting: 'emailColumn' | 'createdAtColumn';
}

/** `schema.table` or `table`, each part quoted: a configured name is never spliced raw. */
export function quoteQualifiedName(name: string): string {
  return name
    .split('.')
    .map((part) => pg.escapeIdentifier(part))
    .join('.');
}

/**
 * §1.3.3's two queries on the configured table (for Hermes: the spec's text, identifiers quoted):
 * an email lookup when there is an email column, a one-day created_at range when there is a date.
 */
export function recordQueries(records: RecordsConfig): DerivedQuery[] {
  const table = quoteQualifiedName(records.table);
  const out: DerivedQuery[] = [];
  if (records.emailColumn !== null) {
    out.push({
      name: 'email lookup',
      sql: `SELECT * FROM ${table} WHERE ${pg.escapeIdentifier(records.emailColumn)} = 'test@example.com'`,
      column: records.emailColumn,
      setting: 'emailColumn',
    });
  }
  if (records.createdAtColumn !== null) {
    out.push({
      name: 'created_at range',
      sql: `SELECT * FROM ${table} WHERE ${pg.escapeIdentifier(records.createdAtColumn)} > NOW() - INTERVAL '1 day'`,
      column: records.createdAtColumn,
      setting: 'createdAtColumn',
    });
  }
  return out;
}

/** The configured queries, or (unset) the ones built from `records`, for `gates explain`. */
export function effectiveQueries(
  configured: readonly NamedQuery[] | undefined,
  records: RecordsConfig,
): NamedQuery[] {
  return configured ? [...configured] : recordQueries(records).map(({ name, sql }) => ({ name, sql }));
}
