import type { Pool } from 'pg';
import { HermesError } from '../../../errors/hermes-error.ts';
import { checkReadOnlyStatement } from '../../../config/read-only-statement.ts';
import type { Evidence, Gate, GateContext, GateOutcome, Measurement } from '../../gate.ts';
import { explain, scansOf, type ExplainResult, type ExplainTarget } from '../support/explain.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { eachReadOnly, liveRefusal, scratchRefusal, type EachRun } from '../support/live-read-only.ts';
import { listSome, measure, skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import type { GateThresholds } from '../../../config/sections/gate-thresholds.ts';
import { fillSyntheticRecords, type FillResult } from './fill-synthetic-records.ts';
import {
  combinedStatus,
  liveSide,
  pendingExcuse,
  scratchSide,
  sideNotes,
  splitExpected,
  type LiveState,
} from './live-side.ts';
import { onBothSides, type PatternList } from './query-patterns.ts';
import { withEffectiveQueries, type NamedQuery } from './record-queries.ts';
import { quoteQualifiedName, relationExists, type RecordsConfig } from './record-table.ts';

type Settings = GateThresholds['db']['queryPlans'];
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

/** What the scratch side measured, and how its table was filled. */
interface ScratchRun {
  plans: EachRun<ScratchPlan>;
  fill: FillResult | undefined;
}

/** Once to warm the cache, then measured. */
async function measuredExplain(db: ExplainTarget, query: NamedQuery): Promise<ExplainResult> {
  await explain(db, query.name, query.sql, true);
  return explain(db, query.name, query.sql, true);
}

/**
 * Synthetic records in the scratch table (when the migrations create it), then each query measured,
 * bounded by the statement timeout: a pathological query is a finding, not a hung gate.
 */
async function measureOnScratch(
  ctx: GateContext,
  pool: Pool,
  queries: readonly NamedQuery[],
  settings: Settings,
  records: RecordsConfig,
): Promise<ScratchRun> {
  let fill: FillResult | undefined;
  if (await relationExists(pool, quoteQualifiedName(records.table))) {
    ctx.log(`inserting ${settings.syntheticLeads} synthetic records into ${records.table}`);
    fill = await fillSyntheticRecords(pool, records, settings.syntheticLeads);
  }
  const plans = await eachReadOnly(
    pool,
    queries,
    settings.liveTimeoutMs,
    scratchRefusal,
    async (client, query) => ({
      ...query,
      result: await measuredExplain(client, query),
    }),
  );
  return { plans, fill };
}

/** EXPLAIN ANALYZE executes the query: on live each must be one statement that only reads (also checked at load). */
function assertReadOnly(queries: readonly NamedQuery[]): void {
  for (const query of queries) {
    const checked = checkReadOnlyStatement(query.sql);
    if (!checked.ok)
      throw new HermesError(
        'gate_query_invalid',
        `query "${query.name}": ${checked.problem}; not run on the live database`,
      );
  }
}

/** Each query in a READ ONLY transaction, rolled back; cancelled by the timeout, a finding. */
function planLive(pool: Pool, queries: readonly NamedQuery[], timeoutMs: number): Promise<EachRun<LivePlan>> {
  assertReadOnly(queries);
  return eachReadOnly(pool, queries, timeoutMs, liveRefusal(true), async (client, query) => {
    const chosen = await measuredExplain(client, query);
    await client.query('SET LOCAL enable_seqscan = off');
    return { ...query, chosen, forced: await explain(client, query.name, query.sql, false) };
  });
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

type ScratchJudged = ReturnType<typeof judgeScratch>;
type LiveJudged = ReturnType<typeof judgeLive>;

/**
 * A live failure is expected only when it is a missing index that a migration pending there adds:
 * slowness is never excused.
 */
function liveExcuse(
  plan: LiveJudged,
  scratch: readonly ScratchJudged[],
  state: LiveState,
  maxExecutionMs: number,
): string | undefined {
  if (plan.executionMs >= maxExecutionMs) return undefined;
  return pendingExcuse(state, scratch.find((s) => s.name === plan.name)?.result.Plan);
}

function judgeSides(
  scratchRun: ScratchRun,
  live: EachRun<LivePlan>,
  state: LiveState,
  maxExecutionMs: number,
) {
  const scratch = scratchRun.plans.results.map((p) => judgeScratch(p, maxExecutionMs));
  const liveJudged = live.results.map((p) => judgeLive(p, maxExecutionMs));
  const scratchFailing = scratch.filter((j) => j.problems.length > 0);
  const onLive = splitExpected(
    liveJudged
      .filter((j) => j.problems.length > 0)
      .map((j) => ({ ...j, expected: liveExcuse(j, scratch, state, maxExecutionMs) })),
  );
  const status = combinedStatus(
    scratchFailing.length + scratchRun.plans.timedOut.length > 0,
    onLive.drift.length + live.timedOut.length,
    onLive.expected.length,
  );
  return {
    status,
    scratch,
    live: liveJudged,
    scratchFailing,
    liveDrift: onLive.drift,
    liveExpected: onLive.expected,
  };
}

type Verdict = ReturnType<typeof judgeSides>;

const executionMeasure = (name: string, executionMs: number, maxExecutionMs: number) =>
  measure(name, Number(executionMs.toFixed(3)), 'ms', maxExecutionMs, '<');

function measurementsOf(
  verdict: Verdict,
  state: LiveState,
  fill: FillResult | undefined,
  max: number,
): Measurement[] {
  return [
    ...verdict.scratch.map((j) => executionMeasure(`${j.name} execution time`, j.executionMs, max)),
    ...verdict.live.map((j) =>
      executionMeasure(`${j.name} execution time (${liveSide})`, j.executionMs, max),
    ),
    measure(
      'sequential scans',
      verdict.scratch.reduce((n, j) => n + j.scans.seqScans.length, 0),
      'count',
      0,
      '==',
    ),
    ...(state.judged
      ? [
          measure(
            `sequential scans with enable_seqscan off (${liveSide})`,
            verdict.live.reduce((n, j) => n + j.forcedScans.seqScans.length, 0),
            'count',
            0,
            '==',
          ),
        ]
      : []),
    measure('synthetic leads', fill?.filled ?? 0, 'count'),
  ];
}

function evidenceOf(verdict: Verdict): Evidence[] {
  return [
    ...verdict.scratch.map((j) => ({
      kind: 'plan' as const,
      title: `${scratchSide}: ${j.name}: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${j.sql}`,
      content: JSON.stringify(j.result, null, 2),
    })),
    ...verdict.live.flatMap((j) => [
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
}

function findingsOf(
  verdict: Verdict,
  scratchTimedOut: readonly string[],
  liveTimedOut: readonly string[],
  timeoutMs: number,
): string[] {
  const overTimeout = (side: string) => (name: string) =>
    `${name}: over the statement timeout (${timeoutMs} ms) on ${side}`;
  return [
    ...verdict.scratchFailing.map((j) => `${j.name}: ${j.problems.join(', ')} on ${scratchSide}`),
    ...scratchTimedOut.map(overTimeout(scratchSide)),
    ...verdict.liveDrift.map((j) => `${j.name}: ${j.problems.join(', ')} on the ${liveSide}`),
    ...liveTimedOut.map(overTimeout(`the ${liveSide}`)),
    ...verdict.liveExpected.map(
      (j) => `${j.name}: no index on the ${liveSide} until deployed (${j.expected})`,
    ),
  ];
}

function passedText(verdict: Verdict): string {
  return verdict.scratch
    .map((j) => {
      const onLive = verdict.live.find((l) => l.name === j.name);
      const liveText = onLive
        ? `; live: ${planName(onLive.chosenScans)} in ${onLive.executionMs.toFixed(2)} ms, served by ${planName(onLive.forcedScans)}`
        : '';
      return `${j.name}: ${j.scans.indexScans[0] ?? 'index'} in ${j.executionMs.toFixed(2)} ms${liveText}`;
    })
    .join('; ');
}

function fillNote(fill: FillResult | undefined, table: string): string | undefined {
  if (fill === undefined)
    return `no synthetic rows on ${scratchSide}: no table ${table} in the migrated schema`;
  return 'refused' in fill ? `no synthetic rows in ${table} on ${scratchSide}: ${fill.refused}` : undefined;
}

function plansOutcome(
  patterns: PatternList,
  scratch: ScratchRun,
  live: EachRun<LivePlan>,
  state: LiveState,
  settings: Settings,
  records: RecordsConfig,
): GateOutcome {
  const verdict = judgeSides(scratch, live, state, settings.maxExecutionMs);
  const findings = findingsOf(verdict, scratch.plans.timedOut, live.timedOut, settings.liveTimeoutMs);
  const notes = sideNotes(patterns.notes, live.absent, state, fillNote(scratch.fill, records.table));
  return {
    status: verdict.status,
    summary: [verdict.status === 'pass' ? passedText(verdict) : listSome(findings, 3, '; '), ...notes].join(
      '; ',
    ),
    measurements: measurementsOf(verdict, state, scratch.fill, settings.maxExecutionMs),
    evidence: evidenceOf(verdict),
  };
}

export const queryPlansGate: Gate = {
  id: 'db.query-plans',
  stage: 'pre-deploy',
  title: 'Query plans use indexes and run fast',
  description:
    "Runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) on the spec's queries (default: the email and created_at lookups on gates.thresholds.db.records; once to warm the cache, then measured) on two databases. On a scratch database migrated to the code's newest migration and filled with synthetic records: each must read with an Index Scan or Bitmap Index Scan, never a Seq Scan, and execute within the limit. On the configured (live) database, each query checked to be one read-only statement and run inside a READ ONLY transaction that is rolled back, with a statement timeout and nothing written or analyzed: with sequential scans disabled an index must serve it (an index dropped by hand fails), and the plan the live statistics choose must execute within the limit. The live plan is not failed for a Seq Scan, because on a small table that is the planner's right choice; it is reported as evidence. A live database without the records table is noted, not judged; a live failure only warns when the missing index comes with a migration still pending there (this release adds it). A query the statement timeout cancels, on either side, fails.",
  spec: '§1.3.3',
  timeoutMs: 300_000,
  thresholds: (config) => {
    const db = gateThresholds(config).db;
    const infos = describeThresholds(config, 'db', 'queryPlans', {
      syntheticLeads: 'synthetic records in the scratch table',
      maxExecutionMs: 'maximum execution time of each query (ms), on scratch and on live',
      queries: 'the queries judged (unset: built from db.records); each one read-only statement',
      liveTimeoutMs:
        'statement_timeout of the EXPLAIN ANALYZEs (ms), on the live database and on scratch: a query it cancels fails',
    });
    return withEffectiveQueries(infos, db.queryPlans.queries, db.records);
  },
  run: (ctx) =>
    withGateDatabase(ctx, 'measure the query plans', async (db) => {
      const { queryPlans: settings, records } = gateThresholds(ctx.config).db;
      const sides = await onBothSides(ctx, db, settings, records, 'queryPlans', {
        scratch: (pool, queries) => measureOnScratch(ctx, pool, queries, settings, records),
        live: planLive,
      });
      if ('skip' in sides) return skipOutcome(sides.skip, sides.reason);
      return plansOutcome(sides.patterns, sides.scratch, sides.live, sides.state, settings, records);
    }),
};
