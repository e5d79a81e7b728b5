import type { Gate } from '../../gate.ts';
import { explain, scansOf } from '../support/explain.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';

export const indexesGate: Gate = {
  id: 'db.schema.indexes',
  stage: 'pre-deploy',
  title: 'Indexes serve the query patterns',
  description:
    "On a scratch database migrated to the code's newest migration, with sequential scans disabled, EXPLAINs each configured query pattern (default: the spec's email and created_at lookups): a Seq Scan that remains means no index can serve it.",
  spec: '§1.1.3',
  timeoutMs: 120_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'indexes', {
      queries: 'the query patterns that must be served by an index',
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'check the indexes', async (db) => {
      const { queries } = gateThresholds(ctx.config).db.indexes;
      const results = await withMigratedScratch(ctx, db, async (pool) => {
        const client = await pool.connect();
        try {
          // Whatever the table's size, the planner then picks an index whenever one can serve the query.
          await client.query('SET enable_seqscan = off');
          const out = [];
          for (const query of queries) {
            const result = await explain(client, query.name, query.sql, false);
            out.push({ query, plan: result.Plan, ...scansOf(result.Plan) });
          }
          return out;
        } finally {
          client.release();
        }
      });
      const unserved = results.filter((r) => r.seqScans.length > 0);
      const measurements = [
        measure('query patterns', results.length, 'count'),
        measure('patterns without an index', unserved.length, 'count', 0, '=='),
      ];
      const evidence = results.map((r) => ({
        kind: 'plan' as const,
        title: `${r.query.name}: ${r.query.sql}`,
        content: JSON.stringify(r.plan, null, 2),
      }));
      if (unserved.length === 0) {
        return {
          status: 'pass',
          summary: `${plural(results.length, 'query pattern')} served by an index: ${listSome(results.map((r) => `${r.query.name} (${r.indexScans[0] ?? 'no table scan'})`))}`,
          measurements,
          evidence,
        };
      }
      return {
        status: 'fail',
        summary: `no index serves ${listSome(unserved.map((r) => `${r.query.name} (Seq Scan on ${r.seqScans.join(', ')})`))}`,
        measurements,
        evidence,
      };
    }),
};
