import type { Pool, PoolClient } from 'pg';
import type { Evidence, Gate, GateOutcome, GateStatus, Measurement } from '../../gate.ts';
import { explain, scansOf, type PlanNode } from '../support/explain.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { eachReadOnly, liveRefusal, type EachRun } from '../support/live-read-only.ts';
import { listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
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

interface PatternPlan {
  query: NamedQuery;
  plan: PlanNode;
  seqScans: string[];
  indexScans: string[];
}

/**
 * With sequential scans disabled, whatever the table's size, the planner picks an index whenever
 * one can serve the query: a Seq Scan that remains means none can. EXPLAIN without ANALYZE
 * executes nothing.
 */
async function planPattern(client: Pick<PoolClient, 'query'>, query: NamedQuery): Promise<PatternPlan> {
  const result = await explain(client, query.name, query.sql, false);
  return { query, plan: result.Plan, ...scansOf(result.Plan) };
}

async function planOnScratch(pool: Pool, queries: readonly NamedQuery[]): Promise<PatternPlan[]> {
  const client = await pool.connect();
  try {
    await client.query('SET enable_seqscan = off');
    const plans: PatternPlan[] = [];
    for (const query of queries) plans.push(await planPattern(client, query));
    return plans;
  } finally {
    client.release();
  }
}

/** The live side: each query in its own read-only transaction, so a missing table spoils nothing else. */
function planLive(pool: Pool, queries: readonly NamedQuery[], timeoutMs: number) {
  return eachReadOnly(pool, queries, timeoutMs, liveRefusal(false), async (client, query) => {
    await client.query('SET LOCAL enable_seqscan = off');
    return planPattern(client, query);
  });
}

const unserved = (plans: readonly PatternPlan[]) => plans.filter((p) => p.seqScans.length > 0);

function describeUnserved(plans: readonly PatternPlan[], side: string): string {
  return `no index serves ${listSome(plans.map((p) => `${p.query.name} (Seq Scan on ${p.seqScans.join(', ')})`))} on ${side === liveSide ? 'the ' : ''}${side}`;
}

/** Both sides judged: what no index serves on scratch, on live, and on live only until deployed. */
function judgeSides(scratch: readonly PatternPlan[], live: readonly PatternPlan[], state: LiveState) {
  const scratchUnserved = unserved(scratch);
  const onLive = splitExpected(
    unserved(live).map((plan) => ({
      plan,
      expected: pendingExcuse(state, scratch.find((p) => p.query.name === plan.query.name)?.plan),
    })),
  );
  const liveDrift = onLive.drift.map((l) => l.plan);
  const status: GateStatus = combinedStatus(
    scratchUnserved.length > 0,
    liveDrift.length,
    onLive.expected.length,
  );
  return { status, scratchUnserved, liveDrift, liveExpected: onLive.expected };
}

type Verdict = ReturnType<typeof judgeSides>;

function measurementsOf(verdict: Verdict, patterns: PatternList, state: LiveState): Measurement[] {
  return [
    measure('query patterns', patterns.queries.length, 'count'),
    measure(`patterns without an index (${scratchSide})`, verdict.scratchUnserved.length, 'count', 0, '=='),
    ...(state.judged
      ? [measure(`patterns without an index (${liveSide})`, verdict.liveDrift.length, 'count', 0, '==')]
      : []),
  ];
}

function findingsOf(verdict: Verdict): string[] {
  return [
    ...(verdict.scratchUnserved.length > 0 ? [describeUnserved(verdict.scratchUnserved, scratchSide)] : []),
    ...(verdict.liveDrift.length > 0 ? [describeUnserved(verdict.liveDrift, liveSide)] : []),
    ...verdict.liveExpected.map(
      (l) => `${l.plan.query.name} not served on the ${liveSide} until deployed (${l.expected})`,
    ),
  ];
}

function servedText(scratch: readonly PatternPlan[], state: LiveState): string {
  const sides = state.judged ? `${scratchSide} and the ${liveSide}` : scratchSide;
  return `${plural(scratch.length, 'query pattern')} served by an index on ${sides}: ${listSome(scratch.map((p) => `${p.query.name} (${p.indexScans[0] ?? 'no table scan'})`))}`;
}

function planEvidence(side: string, plans: readonly PatternPlan[]): Evidence[] {
  return plans.map((p) => ({
    kind: 'plan' as const,
    title: `${side}: ${p.query.name}: ${p.query.sql}`,
    content: JSON.stringify(p.plan, null, 2),
  }));
}

function indexesOutcome(
  patterns: PatternList,
  scratch: readonly PatternPlan[],
  live: EachRun<PatternPlan>,
  state: LiveState,
): GateOutcome {
  const verdict = judgeSides(scratch, live.results, state);
  const notes = sideNotes(patterns.notes, live.absent, state);
  return {
    status: verdict.status,
    summary: [
      ...(verdict.status === 'pass' ? [servedText(scratch, state)] : findingsOf(verdict)),
      ...notes,
    ].join('; '),
    measurements: measurementsOf(verdict, patterns, state),
    evidence: [...planEvidence(scratchSide, scratch), ...planEvidence(liveSide, live.results)],
  };
}

export const indexesGate: Gate = {
  id: 'db.schema.indexes',
  stage: 'pre-deploy',
  title: 'Indexes serve the query patterns',
  description:
    "With sequential scans disabled, EXPLAINs (without ANALYZE) each configured query pattern (default: the spec's email and created_at lookups on gates.thresholds.db.records) twice: on a scratch database migrated to the code's newest migration, and on the configured (live) database inside a READ ONLY transaction that is rolled back, with a statement timeout. A Seq Scan that remains means no index can serve it; the summary names the side: an index dropped by hand fails on the live database. A live database without the records table is noted, not judged; a live failure only warns when the missing index comes with a migration still pending there (this release adds it).",
  spec: '§1.1.3',
  timeoutMs: 120_000,
  thresholds: (config) => {
    const db = gateThresholds(config).db;
    const infos = describeThresholds(config, 'db', 'indexes', {
      queries: 'the query patterns that must be served by an index (unset: built from db.records)',
      liveTimeoutMs: 'statement_timeout of the read-only EXPLAINs on the live database (ms)',
    });
    return withEffectiveQueries(infos, db.indexes.queries, db.records);
  },
  run: (ctx) =>
    withGateDatabase(ctx, 'check the indexes', async (db) => {
      const { indexes: settings, records } = gateThresholds(ctx.config).db;
      const sides = await onBothSides(ctx, db, settings, records, 'indexes', {
        scratch: planOnScratch,
        live: planLive,
      });
      if ('skip' in sides) return skipOutcome(sides.skip, sides.reason);
      return indexesOutcome(sides.patterns, sides.scratch, sides.live, sides.state);
    }),
};
