import type { Pool } from 'pg';
import { HermesError } from '../../../errors/hermes-error.ts';
import { checkReadOnlyStatement } from '../../custom/read-only-statement.ts';
import type { Evidence, Gate, Measurement } from '../../gate.ts';
import {
  explain,
  indexNamesOf,
  scansOf,
  type ExplainResult,
  type ExplainTarget,
} from '../support/explain.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import {
  isStatementTimeout,
  isUndefinedTable,
  liveQueryError,
  relationExists,
  withLiveReadOnly,
} from '../support/live-read-only.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure, skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { fillSyntheticRecords, type FillResult } from './fill-synthetic-records.ts';
import {
  combinedStatus,
  liveNote,
  liveSide,
  liveState,
  pendingIndexSource,
  scratchSide,
} from './live-side.ts';
import { resolvePatterns } from './query-patterns.ts';
import { effectiveQueries, quoteQualifiedName, type NamedQuery } from './record-queries.ts';

type Scans = ReturnType<typeof scansOf>;

/** One query on the scratch database: its measured EXPLAIN ANALYZE. */
interface ScratchPlan extends NamedQuery {
  result: ExplainResult;
}

/**
 * One query on the live database: the plan the planner chooses with the live statistics, run
 * (EXPLAIN ANALYZE) and timed; and the plan with sequential scans disabled, which says whether an
 * index can serve it.
 */
interface LivePlan extends NamedQuery {
  chosen: ExplainResult;
  forced: ExplainResult;
}

/** Once to warm the cache, then measured. */
async function measuredExplain(db: ExplainTarget, query: NamedQuery): Promise<ExplainResult> {
  await explain(db, query.name, query.sql, true);
  return explain(db, query.name, query.sql, true);
}

/**
 * EXPLAIN ANALYZE executes the query, so on live each one must be one statement that only reads
 * (also checked when the config is loaded), and runs in a READ ONLY transaction, rolled back.
 */
async function planLive(
  pool: Pool,
  queries: readonly NamedQuery[],
  timeoutMs: number,
): Promise<{ plans: LivePlan[]; absent: string[]; timedOut: string[] }> {
  const plans: LivePlan[] = [];
  const absent: string[] = [];
  const timedOut: string[] = [];
  for (const query of queries) {
    const checked = checkReadOnlyStatement(query.sql);
    if (!checked.ok)
      throw new HermesError(
        'gate_query_invalid',
        `query "${query.name}": ${checked.problem}; not run on the live database`,
      );
    try {
      plans.push(
        await withLiveReadOnly(pool, timeoutMs, async (client) => {
          const chosen = await measuredExplain(client, query);
          await client.query('SET LOCAL enable_seqscan = off');
          return { ...query, chosen, forced: await explain(client, query.name, query.sql, false) };
        }),
      );
    } catch (error) {
      // Cancelled by the statement timeout: slower than any limit, a finding rather than an error.
      if (isStatementTimeout(error)) timedOut.push(query.name);
      else if (isUndefinedTable(error)) absent.push(`${query.name} (${error.message})`);
      else throw liveQueryError(query.name, error);
    }
  }
  return { plans, absent, timedOut };
}

/** What is wrong with a plan: a Seq Scan, no index scan at all, or too slow. */
export function planProblems(scans: Scans, executionMs: number, maxExecutionMs: number): string[] {
  return [
    ...scans.seqScans.map((table) => `Seq Scan on ${table}`),
    ...(scans.indexScans.length === 0 ? ['no index scan'] : []),
    ...(executionMs < maxExecutionMs ? [] : [`${executionMs.toFixed(2)} ms`]),
  ];
}

const executionOf = (result: ExplainResult) => result['Execution Time'] ?? Number.NaN;

function planName(scans: Scans): string {
  return (
    scans.indexScans[0] ??
    (scans.seqScans.length > 0 ? `Seq Scan on ${scans.seqScans.join(', ')}` : 'no table scan')
  );
}

function judgeScratch(plan: ScratchPlan, maxExecutionMs: number) {
  const scans = scansOf(plan.result.Plan);
  const executionMs = executionOf(plan.result);
  return { ...plan, scans, executionMs, problems: planProblems(scans, executionMs, maxExecutionMs) };
}

/**
 * On live the plan shape is judged with sequential scans disabled (can an index serve it?), the
 * time with the plan the live statistics choose: on a small live table a Seq Scan is the right
 * choice and must not fail, while a missing index or a slow query on the real data must.
 */
function judgeLive(plan: LivePlan, maxExecutionMs: number) {
  const forcedScans = scansOf(plan.forced.Plan);
  const chosenScans = scansOf(plan.chosen.Plan);
  const executionMs = executionOf(plan.chosen);
  const problems = [
    ...planProblems(forcedScans, 0, Number.POSITIVE_INFINITY),
    ...(executionMs < maxExecutionMs
      ? []
      : [`${executionMs.toFixed(2)} ms with the live plan (${planName(chosenScans)})`]),
  ];
  return { ...plan, forcedScans, chosenScans, executionMs, problems };
}

function fillNote(fill: FillResult | undefined, table: string): string | undefined {
  if (fill === undefined)
    return `no synthetic rows on ${scratchSide}: no table ${table} in the migrated schema`;
  return 'refused' in fill ? `no synthetic rows in ${table} on ${scratchSide}: ${fill.refused}` : undefined;
}

export const queryPlansGate: Gate = {
  id: 'db.query-plans',
  stage: 'pre-deploy',
  title: 'Query plans use indexes and run fast',
  description:
    "Runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on the spec's queries (default: the email and created_at lookups on gates.thresholds.db.records; once to warm the cache, then measured) on two databases. On a scratch database migrated to the code's newest migration and filled with synthetic records: each must read with an Index Scan or Bitmap Index Scan, never a Seq Scan, and execute within the limit. On the configured (live) database, each query checked to be one read-only statement and run inside a READ ONLY transaction that is rolled back, with a statement timeout and nothing written or analyzed: with sequential scans disabled an index must serve it (an index dropped by hand fails), and the plan the live statistics choose must execute within the limit. The live plan is not failed for a Seq Scan, because on a small table that is the planner's right choice; it is reported as evidence. A live database without the records table is noted, not judged; a live failure only warns when the missing index comes with a migration still pending there (this release adds it).",
  spec: '§1.3.3',
  timeoutMs: 300_000,
  thresholds: (config) => {
    const db = gateThresholds(config).db;
    return describeThresholds(config, 'db', 'queryPlans', {
      syntheticLeads: 'synthetic records in the scratch table',
      maxExecutionMs: 'maximum execution time of each query (ms), on scratch and on live',
      queries: 'the queries judged (unset: built from db.records); each one read-only statement',
      liveTimeoutMs: 'statement_timeout of the read-only EXPLAIN ANALYZEs on the live database (ms)',
    }).map((info) =>
      info.key.endsWith('.queries')
        ? { ...info, value: effectiveQueries(db.queryPlans.queries, db.records) }
        : info,
    );
  },
  run: (ctx) =>
    withGateDatabase(ctx, 'measure the query plans', async (db) => {
      const { queryPlans: settings, records } = gateThresholds(ctx.config).db;
      const scratch = await withMigratedScratch(ctx, db, async (pool) => {
        const patterns = await resolvePatterns(pool, settings.queries, records, 'queryPlans');
        if ('skip' in patterns) return { patterns, plans: [], fill: undefined };
        let fill: FillResult | undefined;
        if (await relationExists(pool, quoteQualifiedName(records.table))) {
          ctx.log(`inserting ${settings.syntheticLeads} synthetic records into ${records.table}`);
          fill = await fillSyntheticRecords(pool, records, settings.syntheticLeads);
        }
        const plans: ScratchPlan[] = [];
        for (const query of patterns.queries)
          plans.push({ ...query, result: await measuredExplain(pool, query) });
        return { patterns, plans, fill };
      });
      const { patterns } = scratch;
      if ('skip' in patterns) return skipOutcome(patterns.skip, patterns.reason);
      const state = await liveState(ctx, db.pool, records);
      const live = state.judged
        ? await planLive(db.pool, patterns.queries, settings.liveTimeoutMs)
        : { plans: [], absent: [], timedOut: [] };

      const scratchJudged = scratch.plans.map((p) => judgeScratch(p, settings.maxExecutionMs));
      const liveJudged = live.plans.map((p) => judgeLive(p, settings.maxExecutionMs));
      const scratchFailing = scratchJudged.filter((j) => j.problems.length > 0);
      const liveFailing = liveJudged
        .filter((j) => j.problems.length > 0)
        .map((j) => {
          const onScratch = scratchJudged.find((s) => s.name === j.name);
          // Only a missing index can be the pending migration's to add; slowness is not excused.
          const onlyPlanShape = j.executionMs < settings.maxExecutionMs;
          const expected =
            state.judged && onScratch && onlyPlanShape
              ? pendingIndexSource(indexNamesOf(onScratch.result.Plan), state.pending)
              : undefined;
          return { ...j, expected };
        });
      const liveDrift = liveFailing.filter((j) => j.expected === undefined);
      const liveExpected = liveFailing.filter((j) => j.expected !== undefined);
      const status = combinedStatus(
        scratchFailing.length > 0,
        liveDrift.length + live.timedOut.length,
        liveExpected.length,
      );

      const measurements: Measurement[] = [
        ...scratchJudged.map((j) =>
          measure(
            `${j.name} execution time`,
            Number(j.executionMs.toFixed(3)),
            'ms',
            settings.maxExecutionMs,
            '<',
          ),
        ),
        ...liveJudged.map((j) =>
          measure(
            `${j.name} execution time (${liveSide})`,
            Number(j.executionMs.toFixed(3)),
            'ms',
            settings.maxExecutionMs,
            '<',
          ),
        ),
        measure(
          'sequential scans',
          scratchJudged.reduce((n, j) => n + j.scans.seqScans.length, 0),
          'count',
          0,
          '==',
        ),
        ...(state.judged
          ? [
              measure(
                `sequential scans with enable_seqscan off (${liveSide})`,
                liveJudged.reduce((n, j) => n + j.forcedScans.seqScans.length, 0),
                'count',
                0,
                '==',
              ),
            ]
          : []),
        measure('synthetic leads', scratch.fill?.filled ?? 0, 'count'),
      ];
      const evidence: Evidence[] = [
        ...scratchJudged.map((j) => ({
          kind: 'plan' as const,
          title: `${scratchSide}: ${j.name}: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${j.sql}`,
          content: JSON.stringify(j.result, null, 2),
        })),
        ...liveJudged.flatMap((j) => [
          {
            kind: 'plan' as const,
            title: `${liveSide}: ${j.name}: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) with the live statistics ${j.sql}`,
            content: JSON.stringify(j.chosen, null, 2),
          },
          {
            kind: 'plan' as const,
            title: `${liveSide}: ${j.name}: EXPLAIN with enable_seqscan off ${j.sql}`,
            content: JSON.stringify(j.forced, null, 2),
          },
        ]),
      ];
      const notes = [
        ...patterns.notes,
        fillNote(scratch.fill, records.table),
        ...(live.absent.length > 0 ? [`not on the ${liveSide}: ${listSome(live.absent)}`] : []),
        liveNote(state),
      ].filter((n): n is string => n !== undefined);
      const findings = [
        ...scratchFailing.map((j) => `${j.name}: ${j.problems.join(', ')} on ${scratchSide}`),
        ...liveDrift.map((j) => `${j.name}: ${j.problems.join(', ')} on the ${liveSide}`),
        ...live.timedOut.map(
          (name) => `${name}: over the statement timeout (${settings.liveTimeoutMs} ms) on the ${liveSide}`,
        ),
        ...liveExpected.map(
          (j) => `${j.name}: no index on the ${liveSide} until deployed (${j.expected ?? ''})`,
        ),
      ];
      const passed = scratchJudged.map((j) => {
        const onLive = liveJudged.find((l) => l.name === j.name);
        const liveText = onLive
          ? `; live: ${planName(onLive.chosenScans)} in ${onLive.executionMs.toFixed(2)} ms, served by ${planName(onLive.forcedScans)}`
          : '';
        return `${j.name}: ${j.scans.indexScans[0] ?? 'index'} in ${j.executionMs.toFixed(2)} ms${liveText}`;
      });
      return {
        status,
        summary: [status === 'pass' ? passed.join('; ') : listSome(findings, 3, '; '), ...notes].join('; '),
        measurements,
        evidence,
      };
    }),
};
