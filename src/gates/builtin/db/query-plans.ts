import type { Gate } from '../../gate.ts';
import { explain, scansOf, type ExplainResult } from '../support/explain.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { insertSyntheticLeads } from './insert-synthetic-leads.ts';

export const queryPlansGate: Gate = {
  id: 'db.query-plans',
  stage: 'pre-deploy',
  title: 'Query plans use indexes and run fast',
  description:
    "On a scratch database migrated to the code's newest migration and filled with synthetic leads, runs EXPLAIN (ANALYZE, FORMAT JSON) on the spec's queries (once to warm the cache, then measured): each must read hermes_leads with an Index Scan or Bitmap Index Scan, never a Seq Scan, and execute within the limit.",
  spec: '§1.3.3',
  timeoutMs: 300_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'queryPlans', {
      syntheticLeads: 'synthetic leads in the scratch table',
      maxExecutionMs: 'maximum execution time of each query (ms)',
      queries: 'the queries judged',
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'measure the query plans', async (db) => {
      const settings = gateThresholds(ctx.config).db.queryPlans;
      const results = await withMigratedScratch(ctx, db, async (pool) => {
        ctx.log(`inserting ${settings.syntheticLeads} synthetic leads`);
        await insertSyntheticLeads(pool, settings.syntheticLeads);
        const out: { name: string; sql: string; result: ExplainResult }[] = [];
        for (const query of settings.queries) {
          await explain(pool, query.name, query.sql, true);
          out.push({ ...query, result: await explain(pool, query.name, query.sql, true) });
        }
        return out;
      });
      const judged = results.map((r) => {
        const scans = scansOf(r.result.Plan);
        const executionMs = r.result['Execution Time'] ?? Number.NaN;
        const problems = [
          ...scans.seqScans.map((table) => `Seq Scan on ${table}`),
          ...(scans.indexScans.length === 0 ? ['no index scan'] : []),
          ...(executionMs < settings.maxExecutionMs ? [] : [`${executionMs.toFixed(2)} ms`]),
        ];
        return { ...r, scans, executionMs, problems };
      });
      const measurements = judged.map((j) =>
        measure(
          `${j.name} execution time`,
          Number(j.executionMs.toFixed(3)),
          'ms',
          settings.maxExecutionMs,
          '<',
        ),
      );
      measurements.push(
        measure(
          'sequential scans',
          judged.reduce((n, j) => n + j.scans.seqScans.length, 0),
          'count',
          0,
          '==',
        ),
        measure('synthetic leads', settings.syntheticLeads, 'count'),
      );
      const evidence = judged.map((j) => ({
        kind: 'plan' as const,
        title: `${j.name}: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${j.sql}`,
        content: JSON.stringify(j.result, null, 2),
      }));
      const failing = judged.filter((j) => j.problems.length > 0);
      if (failing.length > 0) {
        return {
          status: 'fail',
          summary: listSome(failing.map((j) => `${j.name}: ${j.problems.join(', ')}`)),
          measurements,
          evidence,
        };
      }
      return {
        status: 'pass',
        summary: judged
          .map((j) => `${j.name}: ${j.scans.indexScans[0] ?? 'index'} in ${j.executionMs.toFixed(2)} ms`)
          .join('; '),
        measurements,
        evidence,
      };
    }),
};
