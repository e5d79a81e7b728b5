import type { Pool, PoolClient } from 'pg';
import type { Evidence, Gate } from '../../gate.ts';
import { explain, indexNamesOf, scansOf, type PlanNode } from '../support/explain.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { isUndefinedTable, liveQueryError, withLiveReadOnly } from '../support/live-read-only.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import {
  combinedStatus,
  liveNote,
  liveSide,
  liveState,
  pendingIndexSource,
  scratchSide,
  type LiveState,
} from './live-side.ts';
import { resolvePatterns } from './query-patterns.ts';
import { effectiveQueries, type NamedQuery } from './record-queries.ts';

interface PatternPlan {
  query: NamedQuery;
  plan: PlanNode;
  seqScans: string[];
  indexScans: string[];
}

/** One side's plans; a query whose table that side does not have (yet) is noted, not judged. */
interface SidePlans {
  side: string;
  plans: PatternPlan[];
  absent: string[];
}

/**
 * With sequential scans disabled, whatever the table's size, the planner picks an index whenever
 * one can serve the query: a Seq Scan that remains means none can. EXPLAIN without ANALYZE
 * executes nothing.
 */
async function planPatterns(client: PoolClient, queries: readonly NamedQuery[]): Promise<PatternPlan[]> {
  const out: PatternPlan[] = [];
  for (const query of queries) {
    const result = await explain(client, query.name, query.sql, false);
    out.push({ query, plan: result.Plan, ...scansOf(result.Plan) });
  }
  return out;
}

/** The live side: each query in its own read-only transaction, so a missing table spoils nothing else. */
async function planLive(pool: Pool, queries: readonly NamedQuery[], timeoutMs: number): Promise<SidePlans> {
  const live: SidePlans = { side: liveSide, plans: [], absent: [] };
  for (const query of queries) {
    try {
      const [plan] = await withLiveReadOnly(pool, timeoutMs, async (client) => {
        await client.query('SET LOCAL enable_seqscan = off');
        return planPatterns(client, [query]);
      });
      if (plan) live.plans.push(plan);
    } catch (error) {
      if (!isUndefinedTable(error)) throw liveQueryError(query.name, error);
      live.absent.push(`${query.name} (${error.message})`);
    }
  }
  return live;
}

const unservedOf = (side: SidePlans) => side.plans.filter((p) => p.seqScans.length > 0);

function describeUnserved(plans: readonly PatternPlan[], side: string): string {
  return `no index serves ${listSome(plans.map((p) => `${p.query.name} (Seq Scan on ${p.seqScans.join(', ')})`))} on ${side === liveSide ? 'the ' : ''}${side}`;
}

/** A live query no index serves, and whether that is expected (its index is in a pending migration). */
function classifyLive(plan: PatternPlan, scratch: readonly PatternPlan[], state: LiveState) {
  const onScratch = scratch.find((p) => p.query.name === plan.query.name);
  const expected =
    state.judged && onScratch ? pendingIndexSource(indexNamesOf(onScratch.plan), state.pending) : undefined;
  return { plan, expected };
}

function planEvidence(side: SidePlans): Evidence[] {
  return side.plans.map((p) => ({
    kind: 'plan' as const,
    title: `${side.side}: ${p.query.name}: ${p.query.sql}`,
    content: JSON.stringify(p.plan, null, 2),
  }));
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
    return describeThresholds(config, 'db', 'indexes', {
      queries: 'the query patterns that must be served by an index (unset: built from db.records)',
      liveTimeoutMs: 'statement_timeout of the read-only EXPLAINs on the live database (ms)',
    }).map((info) =>
      info.key.endsWith('.queries')
        ? { ...info, value: effectiveQueries(db.indexes.queries, db.records) }
        : info,
    );
  },
  run: (ctx) =>
    withGateDatabase(ctx, 'check the indexes', async (db) => {
      const { indexes: settings, records } = gateThresholds(ctx.config).db;
      const scratch = await withMigratedScratch(ctx, db, async (pool) => {
        const patterns = await resolvePatterns(pool, settings.queries, records, 'indexes');
        if ('skip' in patterns) return { patterns, plans: [] };
        const client = await pool.connect();
        try {
          await client.query('SET enable_seqscan = off');
          return { patterns, plans: await planPatterns(client, patterns.queries) };
        } finally {
          client.release();
        }
      });
      const { patterns } = scratch;
      if ('skip' in patterns) return skipOutcome(patterns.skip, patterns.reason);
      const scratchPlans: SidePlans = { side: scratchSide, plans: scratch.plans, absent: [] };
      const state = await liveState(ctx, db.pool, records);
      const livePlans: SidePlans = state.judged
        ? await planLive(db.pool, patterns.queries, settings.liveTimeoutMs)
        : { side: liveSide, plans: [], absent: [] };

      const scratchUnserved = unservedOf(scratchPlans);
      const liveUnserved = unservedOf(livePlans).map((p) => classifyLive(p, scratch.plans, state));
      const liveDrift = liveUnserved.filter((l) => l.expected === undefined).map((l) => l.plan);
      const liveExpected = liveUnserved.filter((l) => l.expected !== undefined);
      const status = combinedStatus(scratchUnserved.length > 0, liveDrift.length, liveExpected.length);
      const measurements = [
        measure('query patterns', patterns.queries.length, 'count'),
        measure(`patterns without an index (${scratchSide})`, scratchUnserved.length, 'count', 0, '=='),
        ...(state.judged
          ? [measure(`patterns without an index (${liveSide})`, liveDrift.length, 'count', 0, '==')]
          : []),
      ];
      const notes = [
        ...patterns.notes,
        ...(livePlans.absent.length > 0 ? [`not on the ${liveSide}: ${listSome(livePlans.absent)}`] : []),
        liveNote(state),
      ].filter((n): n is string => n !== undefined);
      const findings = [
        ...(scratchUnserved.length > 0 ? [describeUnserved(scratchUnserved, scratchSide)] : []),
        ...(liveDrift.length > 0 ? [describeUnserved(liveDrift, liveSide)] : []),
        ...liveExpected.map(
          (l) => `${l.plan.query.name} not served on the ${liveSide} until deployed (${l.expected ?? ''})`,
        ),
      ];
      const served = `${plural(patterns.queries.length, 'query pattern')} served by an index on ${
        state.judged ? `${scratchSide} and the ${liveSide}` : scratchSide
      }: ${listSome(scratch.plans.map((p) => `${p.query.name} (${p.indexScans[0] ?? 'no table scan'})`))}`;
      return {
        status,
        summary: [...(status === 'pass' ? [served] : findings), ...notes].join('; '),
        measurements,
        evidence: [...planEvidence(scratchPlans), ...planEvidence(livePlans)],
      };
    }),
};
