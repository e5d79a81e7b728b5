import type { Queryable } from '../../../db/queryable.ts';
import { quoteQualifiedName, recordQueries, type NamedQuery, type RecordsConfig } from './record-queries.ts';

/** The queries a gate judges, with notes on defaults left out; or why the gate does not apply. */
export type Patterns = { queries: NamedQuery[]; notes: string[] } | { skip: string; reason: string };

const columnsSql = `
SELECT a.attname AS name FROM pg_attribute a
 WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped`;

/**
 * Configured queries as they are; unset, §1.3.3's lookups on the records table, each only when
 * the migrated schema has its column. `key` is the gate's `gates.thresholds.db.<key>.queries`.
 */
export async function resolvePatterns(
  scratch: Queryable,
  configured: readonly NamedQuery[] | undefined,
  records: RecordsConfig,
  key: 'indexes' | 'queryPlans',
): Promise<Patterns> {
  if (configured) return { queries: [...configured], notes: [] };
  const howTo = `set gates.thresholds.db.records.table (and its columns) to the project's table of records, or gates.thresholds.db.${key}.queries`;
  const derived = recordQueries(records);
  if (derived.length === 0)
    return {
      skip: 'no query patterns to judge',
      reason: `gates.thresholds.db.records.emailColumn and createdAtColumn are both null: ${howTo}`,
    };
  const { rows } = await scratch.query<{ name: string }>(columnsSql, [quoteQualifiedName(records.table)]);
  if (rows.length === 0)
    return {
      skip: `no table ${records.table} in the migrated schema`,
      reason: `the migrations create no table ${records.table}, so its queries cannot be judged: ${howTo}`,
    };
  const columns = new Set(rows.map((r) => r.name));
  const present = derived.filter((q) => columns.has(q.column));
  const notes = derived
    .filter((q) => !columns.has(q.column))
    .map(
      (q) =>
        `${q.name} not judged: no column ${q.column} on ${records.table} (set gates.thresholds.db.records.${q.setting}, null for none)`,
    );
  if (present.length === 0)
    return { skip: `no query pattern fits ${records.table}`, reason: `${notes.join('; ')}; or ${howTo}` };
  return { queries: present.map(({ name, sql }) => ({ name, sql })), notes };
}
