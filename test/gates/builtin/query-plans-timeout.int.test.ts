import { afterEach, describe, expect, it } from 'vitest';
import { queryPlansGate } from '../../../src/gates/builtin/db/query-plans.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';

describe('db.query-plans bounds the scratch side too', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('fails a query the statement timeout cancels on scratch, instead of hanging until the gate timeout', async () => {
    db = await createTestDatabase({ migrate: true });
    // Ten seconds for scratch's one synthetic lead: a hundred times the timeout. The live table
    // is empty, so there it returns at once (and, seq scans off, reads an index): only scratch fails.
    const slow = { name: 'slow scan', sql: 'SELECT pg_sleep(10) FROM hermes_leads' };
    const ctx = gateContext({
      databaseUrl: db.url,
      config: {
        gates: {
          thresholds: { db: { queryPlans: { syntheticLeads: 1, liveTimeoutMs: 100, queries: [slow] } } },
        },
      },
    });
    try {
      const outcome = await queryPlansGate.run(ctx);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe('slow scan: over the statement timeout (100 ms) on scratch (migrations)');
    } finally {
      await ctx.close();
    }
  });
});
