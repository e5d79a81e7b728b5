import type { Pool } from 'pg';
import type { Database } from '../../../db/open-database.ts';
import type { Queryable } from '../../../db/queryable.ts';
import type { GateContext } from '../../gate.ts';
import { noRun, type EachRun } from '../support/live-read-only.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { liveState, type LiveState } from './live-side.ts';
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
async function onScratchPatterns<T>(
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

/** What a gate judging the patterns on both databases has to go on. */
export interface BothSides<S, L> {
  patterns: PatternList;
  scratch: S;
  /** Nothing run when the live database cannot be judged (`state` says why). */
  live: EachRun<L>;
  state: LiveState;
}

/**
 * The patterns judged on scratch (`sides.scratch`), then on the configured (live) database
 * (`sides.live`, bounded by `liveTimeoutMs`) when it has the records table; or why there is
 * nothing to judge. Live is looked at only once the scratch database is gone.
 */
export async function onBothSides<S, L>(
  ctx: GateContext,
  db: Database,
  settings: { queries?: readonly NamedQuery[] | undefined; liveTimeoutMs: number },
  records: RecordsConfig,
  key: 'indexes' | 'queryPlans',
  sides: {
    scratch: (pool: Pool, queries: readonly NamedQuery[]) => Promise<S>;
    live: (pool: Pool, queries: readonly NamedQuery[], timeoutMs: number) => Promise<EachRun<L>>;
  },
): Promise<PatternSkip | BothSides<S, L>> {
  const onScratch = await onScratchPatterns(ctx, db, settings.queries, records, key, sides.scratch);
  if ('skip' in onScratch) return onScratch;
  const state = await liveState(ctx, db.pool, records);
  const live = state.judged
    ? await sides.live(db.pool, onScratch.patterns.queries, settings.liveTimeoutMs)
    : noRun<L>();
  return { ...onScratch, live, state };
}
