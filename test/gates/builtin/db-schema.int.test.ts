import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foreignKeysGate } from '../../../src/gates/builtin/db/foreign-keys.ts';
import { indexesGate } from '../../../src/gates/builtin/db/indexes.ts';
import { queryPlansGate } from '../../../src/gates/builtin/db/query-plans.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { fixturesDir, gateContext, unreachableUrl } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

const fixture = (name: string) => join(fixturesDir, 'migrations', name);

describe('db.schema.foreign-keys, db.schema.indexes, db.query-plans', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('db.schema.foreign-keys passes on the project schema', async () => {
    const ctx = gateContext({ databaseUrl: db.url });
    const outcome = await foreignKeysGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/all validated and indexed/);
    expect(judged(outcome)).toEqual([
      { name: 'not validated', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'without index', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
  });

  it('db.schema.foreign-keys fails naming a foreign key without an index', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: { migrations: { dir: fixture('missing-fk-index') } },
    });
    const outcome = await foreignKeysGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('no index on orders(customer_id) → customers');
    expect(judged(outcome)).toEqual([
      { name: 'not validated', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'without index', value: 1, threshold: 0, comparison: '==', passed: false },
    ]);
  });

  it('db.schema.indexes passes: the email and created_at lookups use an index', async () => {
    const ctx = gateContext({ databaseUrl: db.url });
    const outcome = await indexesGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('hermes_leads_email_idx');
    expect(outcome.evidence?.[0]?.kind).toBe('plan');
    // The database here is not migrated: the live side is noted, not judged (live-indexes covers it).
    expect(judged(outcome)).toEqual([
      {
        name: 'patterns without an index (scratch (migrations))',
        value: 0,
        threshold: 0,
        comparison: '==',
        passed: true,
      },
    ]);
  });

  it('db.schema.indexes fails naming an email query that no index can serve', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: { migrations: { dir: fixture('no-email-index') } },
    });
    const outcome = await indexesGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'no index serves email lookup (Seq Scan on hermes_leads) on scratch (migrations); live database not judged: no table hermes_leads there (not migrated)',
    );
    // The live side is not judged, so only the scratch row is there.
    expect(judged(outcome)).toEqual([
      {
        name: 'patterns without an index (scratch (migrations))',
        value: 1,
        threshold: 0,
        comparison: '==',
        passed: false,
      },
    ]);
  });

  it('db.schema.indexes refuses a configured query of several statements', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: {
        gates: {
          thresholds: {
            db: { indexes: { queries: [{ name: 'two', sql: 'SELECT 1; DROP TABLE hermes_leads' }] } },
          },
        },
      },
    });
    const outcome = await indexesGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toContain('query "two": expected one SQL statement, got 2');
  });

  it('db.query-plans passes on synthetic leads with the plans as evidence', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: { gates: { thresholds: { db: { queryPlans: { syntheticLeads: 20_000 } } } } },
    });
    const outcome = await queryPlansGate.run(ctx);
    await ctx.close();
    // Execution time is reported, not asserted here (no timed assertions): the plan shape is.
    const planProblems = outcome.summary.includes('Seq Scan') || outcome.summary.includes('no index scan');
    expect(planProblems, outcome.summary).toBe(false);
    expect(outcome.measurements?.find((m) => m.name === 'sequential scans')?.value).toBe(0);
    const content = outcome.evidence?.[0]?.content;
    if (typeof content !== 'string') throw new Error('expected the plan as text');
    const plan = JSON.parse(content) as { 'Execution Time': number };
    expect(plan['Execution Time']).toBeGreaterThan(0);
    expect(outcome.measurements?.find((m) => m.name === 'email lookup execution time')?.threshold).toBe(10);
    const scans = judged(outcome).filter((m) => m.name.startsWith('sequential scans'));
    expect(scans).toEqual([
      { name: 'sequential scans', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
    expect(outcome.measurements?.find((m) => m.name === 'synthetic leads')?.value).toBe(20_000);
  });

  it('db.query-plans fails naming a query that scans the whole table', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: {
        gates: {
          thresholds: {
            db: {
              queryPlans: {
                syntheticLeads: 5_000,
                queries: [
                  { name: 'country lookup', sql: "SELECT * FROM hermes_leads WHERE country = 'France'" },
                ],
              },
            },
          },
        },
      },
    });
    const outcome = await queryPlansGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^country lookup: Seq Scan on hermes_leads, no index scan/);
    expect(judged(outcome).find((m) => m.name === 'sequential scans')).toEqual({
      name: 'sequential scans',
      value: 1,
      threshold: 0,
      comparison: '==',
      passed: false,
    });
  });

  it('db.query-plans is an error when the database is unreachable', async () => {
    const outcome = await queryPlansGate.run(gateContext({ databaseUrl: unreachableUrl }));
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toMatch(/ECONNREFUSED|connect/);
  });
});
