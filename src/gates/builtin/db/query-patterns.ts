import type { Pool } from 'pg';
import type { Database } from '../../../db/open-database.ts';
import type { Queryable } from '../../../db/queryable.ts';
import type { GateContext } from '../../gate.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { recordQueries, type NamedQuery } from './record-queries.ts';
import { columnsOf, quoteQualifiedName, type RecordsConfig } from './record-table.ts';

/** The queries a gate judges, with notes on defaults left out; or why the gate does not apply. */
export type Patterns = PatternList | PatternSkip;
export interface PatternList {
  queries: NamedQuery[];
  notes: string[];
}
export interface PatternSkip {
  skip: string;
  reason: string;
}

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
  const columns = await columnsOf(scratch, quoteQualifiedName(records.table));
  if (columns.size === 0)
    return {
      skip: `no table ${records.table} in the migrated schema`,
      reason: `the migrations create no table ${records.table}, so its queries cannot be judged: ${howTo}`,
    };
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

/**
 * On a scratch database migrated to the code's newest migration: the patterns, and what `work`
 * makes of them there; or why there is nothing to judge.
 */
export async function onScratchPatterns<T>(
  ctx: GateContext,
  db: Database,
  configured: readonly NamedQuery[] | undefined,
  records: RecordsConfig,
  key: 'indexes' | 'queryPlans',
  work: (pool: Pool, queries: readonly NamedQuery[]) => Promise<T>,
): Promise<PatternSkip | { patterns: PatternList; scratch: T }> {
  return withMigratedScratch(ctx, db, async (pool) => {
    const patterns = await resolvePatterns(pool, configured, records, key);
    if ('skip' in patterns) return patterns;
    return { patterns, scratch: await work(pool, patterns.queries) };
  });
}
