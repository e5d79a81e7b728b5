import type { Pool } from 'pg';
import { schemaMigrationsTableExists } from '../../../migrations/schema-migrations-table.ts';
import type { GateContext, GateStatus } from '../../gate.ts';
import { indexNamesOf, type PlanNode } from '../support/explain.ts';
import { migratorFor } from '../support/migrated-scratch.ts';
import { listSome, plural } from '../support/outcome.ts';
import { quoteQualifiedName, relationExists, type RecordsConfig } from './record-table.ts';

/** How the outcomes name the two databases a plan is judged on. */
export const scratchSide = 'scratch (migrations)';
export const liveSide = 'live database';

export interface PendingMigration {
  name: string;
  upSql: string;
}

/** Whether the live database can be judged, and which of the code's migrations it still lacks. */
export type LiveState = { judged: true; pending: PendingMigration[] } | { judged: false; why: string };

/** The configured database is judged when it has the records table. */
export async function liveState(ctx: GateContext, pool: Pool, records: RecordsConfig): Promise<LiveState> {
  if (!(await relationExists(pool, quoteQualifiedName(records.table))))
    return { judged: false, why: `no table ${records.table} there (not migrated)` };
  // Without schema_migrations nothing says what is pending: the live schema is judged as it is.
  if (!(await schemaMigrationsTableExists(pool))) return { judged: true, pending: [] };
  const migrator = migratorFor(ctx, pool);
  const pending = new Set(
    (await migrator.status()).filter((m) => m.state === 'pending').map((m) => m.version),
  );
  return {
    judged: true,
    pending: migrator
      .files()
      .filter((f) => pending.has(f.version))
      .map((f) => ({ name: f.name, upSql: f.upSql })),
  };
}

/** Words between INDEX and the name it creates. */
const indexOptions = new Set(['CONCURRENTLY', 'IF', 'NOT', 'EXISTS']);

/**
 * The index names a migration's up SQL creates, read word by word after each INDEX
 * (`CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [schema.]name`): lexical, which is
 * good enough to excuse a missing index, never used to fail one.
 */
export function indexesCreatedBy(upSql: string): Set<string> {
  const words = upSql.split(/[\s(]+/);
  const names = new Set<string>();
  words.forEach((word, i) => {
    if (word.toUpperCase() !== 'INDEX') return;
    const name = words.slice(i + 1).find((w) => !indexOptions.has(w.toUpperCase()));
    const bare = name?.split('.').at(-1)?.replaceAll('"', '');
    if (bare) names.add(bare);
  });
  return names;
}

/**
 * The pending migration that creates one of `indexes` (the ones the scratch plan reads), if any:
 * such an index is missing on live only until this release is deployed, which is expected. An
 * index an applied migration made and someone dropped by hand is found in none of them.
 */
export function pendingIndexSource(
  indexes: readonly string[],
  pending: readonly PendingMigration[],
): string | undefined {
  for (const index of indexes) {
    const source = pending.find((m) => indexesCreatedBy(m.upSql).has(index));
    if (source) return `${index} comes with pending migration ${source.name}`;
  }
  return undefined;
}

/**
 * Why a query failing on live may be expected: the index its scratch plan reads comes with a
 * migration still pending there. Undefined when live is not judged or scratch has no plan for it.
 */
export function pendingExcuse(state: LiveState, scratchPlan: PlanNode | undefined): string | undefined {
  return state.judged && scratchPlan
    ? pendingIndexSource(indexNamesOf(scratchPlan), state.pending)
    : undefined;
}

/** Live failures split into drift (fails) and those a pending migration excuses (warns). */
export function splitExpected<T extends { expected: string | undefined }>(
  failing: readonly T[],
): { drift: T[]; expected: (T & { expected: string })[] } {
  return {
    drift: failing.filter((f) => f.expected === undefined),
    expected: failing.filter((f): f is T & { expected: string } => f.expected !== undefined),
  };
}

/**
 * The outcome of both sides: a scratch failure fails; a live one fails unless every failing
 * query's index comes with a migration still pending there (then it warns).
 */
export function combinedStatus(scratchFails: boolean, liveDrift: number, liveExpected: number): GateStatus {
  if (scratchFails || liveDrift > 0) return 'fail';
  return liveExpected > 0 ? 'warn' : 'pass';
}

/** The summary's note on the live side when it did not judge, or judged with migrations pending. */
export function liveNote(live: LiveState): string | undefined {
  if (!live.judged) return `${liveSide} not judged: ${live.why}`;
  if (live.pending.length > 0)
    return `${liveSide} still lacks ${plural(live.pending.length, 'pending migration')} of this release`;
  return undefined;
}

/** The summary's notes: the patterns left out, the gate's own, what live lacks, how live was judged. */
export function sideNotes(
  patternNotes: readonly string[],
  absentOnLive: readonly string[],
  state: LiveState,
  ...own: (string | undefined)[]
): string[] {
  return [
    ...patternNotes,
    ...own,
    ...(absentOnLive.length > 0 ? [`not on the ${liveSide}: ${listSome(absentOnLive)}`] : []),
    liveNote(state),
  ].filter((n): n is string => n !== undefined);
}
