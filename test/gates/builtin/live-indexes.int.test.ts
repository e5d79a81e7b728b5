import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { indexesGate } from '../../../src/gates/builtin/db/indexes.ts';
import { insertSyntheticLeads } from '../../../src/leads/insert-synthetic-leads.ts';
import { queryPlansGate } from '../../../src/gates/builtin/db/query-plans.ts';
import type { Gate, GateOutcome } from '../../../src/gates/gate.ts';
import { createTestDatabase, migrationsDir, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

/** What the live database holds that a gate must never change: rows, and how often it was analyzed. */
async function footprint(db: TestDatabase) {
  const { rows } = await db.pool.query<{ leads: string; synthetic: string; analyzed: string }>(
    `SELECT (SELECT count(*) FROM hermes_leads) AS leads,
            (SELECT count(*) FROM hermes_leads WHERE lead_id LIKE 'HS-SYNTH-%' AND email LIKE 'lead%') AS synthetic,
            (SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'hermes_leads') AS analyzed`,
  );
  return rows[0];
}

/** Each fault is planted alone, on a migrated database of its own. */
describe('db.schema.indexes and db.query-plans judge the live database too', () => {
  const databases: TestDatabase[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  async function migrated(): Promise<TestDatabase> {
    const db = await createTestDatabase({ migrate: true });
    databases.push(db);
    return db;
  }

  async function judge(
    gate: Gate,
    db: TestDatabase,
    config: Record<string, unknown> = {},
  ): Promise<GateOutcome> {
    const ctx = gateContext({ databaseUrl: db.url, config });
    try {
      return await gate.run(ctx);
    } finally {
      await ctx.close();
    }
  }

  const fewLeads = { gates: { thresholds: { db: { queryPlans: { syntheticLeads: 2_000 } } } } };

  it('db.schema.indexes fails naming the live side and the query when an index was dropped by hand', async () => {
    const db = await migrated();
    await db.pool.query('DROP INDEX hermes_leads_email_idx');
    const outcome = await judge(indexesGate, db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'no index serves email lookup (Seq Scan on hermes_leads) on the live database',
    );
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({ name: 'patterns without an index (live database)', value: 1, passed: false }),
    );
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({
        name: 'patterns without an index (scratch (migrations))',
        value: 0,
        passed: true,
      }),
    );
    expect(outcome.evidence?.map((e) => e.title)).toContain(
      "live database: email lookup: SELECT * FROM hermes_leads WHERE email = 'test@example.com'",
    );
  });

  it('db.query-plans fails naming the live side when an index was dropped by hand', async () => {
    const db = await migrated();
    await db.pool.query('DROP INDEX hermes_leads_created_at_idx');
    const outcome = await judge(queryPlansGate, db, fewLeads);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^created_at range: Seq Scan on hermes_leads, no index scan on the live database/,
    );
    expect(outcome.summary).not.toContain('email lookup');
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({
        name: 'sequential scans with enable_seqscan off (live database)',
        value: 1,
        passed: false,
      }),
    );
  });

  it('both pass on an untouched database, judging the live side read-only', async () => {
    const db = await migrated();
    await insertSyntheticLeads(db.pool, 3);
    const before = await footprint(db);

    const indexes = await judge(indexesGate, db);
    expect(indexes.status, indexes.summary).toBe('pass');
    expect(indexes.summary).toMatch(
      /^2 query patterns served by an index on scratch \(migrations\) and the live database: email lookup \(Index Scan using hermes_leads_email_idx\)/,
    );
    const served = (side: string) => ({
      name: `patterns without an index (${side})`,
      value: 0,
      threshold: 0,
      comparison: '==',
      passed: true,
    });
    expect(judged(indexes)).toEqual([served('scratch (migrations)'), served('live database')]);

    const plans = await judge(queryPlansGate, db, fewLeads);
    // Execution time is reported, not asserted (no timed assertions): the plan shapes are.
    expect(plans.summary).not.toMatch(/Seq Scan on hermes_leads, no index scan|no index scan on/);
    // Both sides judged, no sequential scan on either (execution times are not pinned).
    expect(judged(plans).filter((m) => m.name.startsWith('sequential scans'))).toEqual([
      { name: 'sequential scans', value: 0, threshold: 0, comparison: '==', passed: true },
      {
        name: 'sequential scans with enable_seqscan off (live database)',
        value: 0,
        threshold: 0,
        comparison: '==',
        passed: true,
      },
    ]);
    expect(plans.summary).toMatch(
      /email lookup: .* in [\d.]+ ms; live: .* in [\d.]+ ms, served by .*hermes_leads_email_idx/,
    );
    const livePlan = plans.evidence?.find((e) =>
      e.title.startsWith(
        'live database: email lookup: EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) with the live statistics',
      ),
    );
    if (typeof livePlan?.content !== 'string') throw new Error('expected the live plan as evidence');
    // Executed (ANALYZE) on live, and found the three rows planted there.
    expect((JSON.parse(livePlan.content) as { 'Execution Time': number })['Execution Time']).toBeGreaterThan(
      0,
    );

    // Nothing written, nothing analyzed on live.
    expect(await footprint(db)).toEqual(before);
  });

  it('db.query-plans fails a query the live statement timeout cancels, naming the live side', async () => {
    const db = await migrated();
    // An InitPlan sleeping 0.5 s once per execution: five times the live statement timeout, whatever the machine.
    const slow = {
      name: 'slow lookup',
      sql: "SELECT * FROM hermes_leads WHERE (SELECT pg_sleep(0.5)) IS NOT NULL AND email = 'x@example.com'",
    };
    const outcome = await judge(queryPlansGate, db, {
      gates: {
        thresholds: { db: { queryPlans: { syntheticLeads: 100, liveTimeoutMs: 100, queries: [slow] } } },
      },
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      'slow lookup: over the statement timeout (100 ms) on the live database',
    );
  });

  it('warns instead of failing when the missing index comes with a migration still pending on live', async () => {
    const db = await migrated();
    const dir = mkdtempSync(join(tmpdir(), 'hermes-pending-index-'));
    dirs.push(dir);
    cpSync(migrationsDir, dir, { recursive: true });
    writeFileSync(
      join(dir, '0099_add_hermes_leads_country_index.up.sql'),
      'CREATE INDEX hermes_leads_country_idx ON hermes_leads (country);\n',
    );
    writeFileSync(
      join(dir, '0099_add_hermes_leads_country_index.down.sql'),
      'DROP INDEX hermes_leads_country_idx;\n',
    );
    const config = (queries: { name: string; sql: string }[]) => ({
      migrations: { dir },
      gates: { thresholds: { db: { indexes: { queries } } } },
    });
    const country = { name: 'country lookup', sql: "SELECT * FROM hermes_leads WHERE country = 'France'" };

    const outcome = await judge(indexesGate, db, config([country]));
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toBe(
      'country lookup not served on the live database until deployed (hermes_leads_country_idx comes with pending migration 0099_add_hermes_leads_country_index); live database still lacks 1 pending migration of this release',
    );
    // A pattern excused by a pending migration is not counted as live drift (it warns, by the summary).
    expect(judged(outcome)).toContainEqual({
      name: 'patterns without an index (live database)',
      value: 0,
      threshold: 0,
      comparison: '==',
      passed: true,
    });

    // A pending migration does not excuse an index dropped by hand.
    await db.pool.query('DROP INDEX hermes_leads_email_idx');
    const email = { name: 'email lookup', sql: "SELECT * FROM hermes_leads WHERE email = 'a@example.com'" };
    const dropped = await judge(indexesGate, db, config([email]));
    expect(dropped.status).toBe('fail');
    expect(dropped.summary).toMatch(
      /^no index serves email lookup \(Seq Scan on hermes_leads\) on the live database/,
    );
    expect(judged(dropped)).toContainEqual({
      name: 'patterns without an index (live database)',
      value: 1,
      threshold: 0,
      comparison: '==',
      passed: false,
    });
  });

  it('db.query-plans refuses, at load, a configured query that is not one read-only statement', () => {
    expect(() =>
      gateContext({
        config: {
          gates: {
            thresholds: {
              db: {
                queryPlans: { queries: [{ name: 'purge', sql: 'DELETE FROM hermes_leads RETURNING *' }] },
              },
            },
          },
        },
      }),
    ).toThrow(
      /expected one read-only statement, got DELETE .*purge.*EXPLAIN ANALYZE runs it on the live database/,
    );
  });
});
