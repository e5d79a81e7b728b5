import type { ThresholdInfo } from '../../gate.ts';
import { quoteRecords, type RecordsConfig } from './record-table.ts';

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

/**
 * §1.3.3's two queries on the configured table (for Hermes: the spec's text exactly; another
 * project's names quoted where they need it): an email lookup when there is an email column, a
 * one-day created_at range when there is a date.
 */
export function recordQueries(records: RecordsConfig): DerivedQuery[] {
  const quoted = quoteRecords(records);
  const out: DerivedQuery[] = [];
  if (records.emailColumn !== null && quoted.emailColumn !== null) {
    out.push({
      name: 'email lookup',
      sql: `SELECT * FROM ${quoted.table} WHERE ${quoted.emailColumn} = 'test@example.com'`,
      column: records.emailColumn,
      setting: 'emailColumn',
    });
  }
  if (records.createdAtColumn !== null && quoted.createdAtColumn !== null) {
    out.push({
      name: 'created_at range',
      sql: `SELECT * FROM ${quoted.table} WHERE ${quoted.createdAtColumn} > NOW() - INTERVAL '1 day'`,
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

/** `gates explain` shows a gate's `queries` as it judges them: unset, the ones built from `records`. */
export function withEffectiveQueries(
  infos: readonly ThresholdInfo[],
  configured: readonly NamedQuery[] | undefined,
  records: RecordsConfig,
): ThresholdInfo[] {
  return infos.map((info) =>
    info.key.endsWith('.queries') ? { ...info, value: effectiveQueries(configured, records) } : info,
  );
}
