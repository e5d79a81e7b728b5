import { describe, expect, it } from 'vitest';
import { queryPlansGate } from '../../../src/gates/builtin/db/query-plans.ts';
import { useTestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';

const db = useTestDatabase();

async function runPlans(queryPlans: Record<string, unknown>) {
  const ctx = gateContext({ databaseUrl: db.url, config: { gates: { thresholds: { db: { queryPlans } } } } });
  try {
    return await queryPlansGate.run(ctx);
  } finally {
    await ctx.close();
  }
}

describe('db.query-plans judges execution time on both sides', () => {
  it('fails a query that uses its index but is not under maxExecutionMs, on scratch and on live, never excused', async () => {
    const lookup = {
      name: 'email lookup',
      sql: "SELECT * FROM hermes_leads WHERE email = 'a@example.invalid'",
    };
    // No query runs in under 0 ms: every measured time is over the limit.
    const outcome = await runPlans({ syntheticLeads: 5_000, maxExecutionMs: 0, queries: [lookup] });
    expect(outcome.status).toBe('fail');
    // The plan shape is fine (an index serves it): time alone fails it.
    expect(outcome.summary).toMatch(
      /^email lookup: \d+\.\d\d ms on scratch \(migrations\); email lookup: \d+\.\d\d ms with the live plan \([^)]+\) on the live database$/,
    );
    const times = (outcome.measurements ?? []).filter((m) =>
      m.name.startsWith('email lookup execution time'),
    );
    expect(times.map((m) => [m.name, m.threshold, m.comparison, m.passed])).toEqual([
      ['email lookup execution time', 0, '<', false],
      ['email lookup execution time (live database)', 0, '<', false],
    ]);
    expect(outcome.measurements?.find((m) => m.name === 'synthetic leads')?.value).toBe(5_000);
  });

  it('passes the same query under a generous limit, naming the index and the live plan', async () => {
    const lookup = {
      name: 'email lookup',
      sql: "SELECT * FROM hermes_leads WHERE email = 'a@example.invalid'",
    };
    const outcome = await runPlans({ syntheticLeads: 5_000, maxExecutionMs: 10_000, queries: [lookup] });
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(
      /^email lookup: (Index|Bitmap Index) Scan using \S+ in \d+\.\d\d ms; live: .+ in \d+\.\d\d ms, served by (Index|Bitmap Index) Scan using \S+$/,
    );
    const times = (outcome.measurements ?? []).filter((m) =>
      m.name.startsWith('email lookup execution time'),
    );
    expect(times.map((m) => m.passed)).toEqual([true, true]);
  });
});
