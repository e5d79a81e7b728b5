import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { validateDataGate } from '../../../src/gates/builtin/db/validate-data.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { judged } from '../support/judged.ts';
import { gateContext } from './support/gate-context.ts';
import { insertLead, insertRealLeads } from './support/insert-lead.ts';

const zero = (name: string, value = 0) => ({
  name,
  value,
  threshold: 0,
  comparison: '==',
  passed: value === 0,
});

async function runGate(db: TestDatabase, config?: Record<string, unknown>): Promise<GateOutcome> {
  const ctx = gateContext({ databaseUrl: db.url, ...(config ? { config } : {}) });
  const outcome = await validateDataGate.run(ctx);
  await ctx.close();
  return outcome;
}

describe('db.validate-data (§1.3.2 and §4.2.1 on the live database)', () => {
  it('passes on a healthy database, judging both sections’ counts', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    const outcome = await runGate(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      '3 leads: no orphaned records, no duplicate lead_ids, 0 duplicate emails; no required field NULL (lead_id, email, created_at)',
    );
    expect(judged(outcome)).toEqual([
      zero('orphaned_records'),
      zero('duplicate_lead_ids'),
      zero('unvalidated constraints'),
      zero('outbox rows without a lead'),
      zero('missing_lead_ids'),
      zero('missing_emails'),
      zero('missing_timestamps'),
    ]);
    expect(outcome.measurements?.find((m) => m.name === 'total_leads')?.value).toBe(3);
  });

  it('fails naming each required field that is NULL', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    // The schema refuses a NULL email and created_at: the constraints go, as a broken migration or a
    // hand-made fix could take them, so that such rows can be planted.
    await db.pool.query('ALTER TABLE hermes_leads ALTER COLUMN email DROP NOT NULL');
    await db.pool.query('ALTER TABLE hermes_leads ALTER COLUMN created_at DROP NOT NULL');
    await insertLead(db.pool, { leadId: 'HS-20250101-NOMAIL', email: null });
    await db.pool.query(`UPDATE hermes_leads SET created_at = NULL WHERE lead_id = 'HS-20250101-REAL01'`);
    const outcome = await runGate(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '1 missing_emails (email IS NULL), 1 missing_timestamps (created_at IS NULL)',
    );
    expect(judged(outcome)).toEqual(
      expect.arrayContaining([
        zero('missing_lead_ids'),
        zero('missing_emails', 1),
        zero('missing_timestamps', 1),
      ]),
    );
  });

  it('fails on db.integrity’s findings too: duplicate lead_ids', async () => {
    const db = await createTestDatabase({ migrate: true });
    await db.pool.query('ALTER TABLE hermes_outbox DROP CONSTRAINT hermes_outbox_lead_id_fkey');
    await db.pool.query('ALTER TABLE hermes_leads DROP CONSTRAINT hermes_leads_lead_id_key');
    await insertLead(db.pool, { leadId: 'HS-20250101-TWICE1', email: 'x@example.test' });
    await insertLead(db.pool, { leadId: 'HS-20250101-TWICE1', email: 'y@example.test' });
    const outcome = await runGate(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 duplicate lead_ids');
    expect(outcome.evidence?.[0]?.content).toEqual([{ lead_id: 'HS-20250101-TWICE1', copies: 2 }]);
  });

  it('is no data on an empty table, never a pass (the configured no-data result)', async () => {
    const db = await createTestDatabase({ migrate: true });
    const outcome = await runGate(db);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe('no data: hermes_leads has no rows: no record to judge');
    expect(outcome.reason).toContain('no-data policy: warn');
    const strict = await runGate(db, { gates: { overrides: { 'db.validate-data': { noData: 'fail' } } } });
    expect(strict.status).toBe('fail');
  });

  it('still fails on an empty table when something without rows is at fault (an outbox row without its lead)', async () => {
    const db = await createTestDatabase({ migrate: true });
    await db.pool.query('ALTER TABLE hermes_outbox DROP CONSTRAINT hermes_outbox_lead_id_fkey');
    await db.pool.query(`INSERT INTO hermes_outbox (lead_id) VALUES ('HS-20250101-GONE01')`);
    const outcome = await runGate(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 outbox rows without a lead');
  });

  it('is bounded by statementTimeoutMs: a read held up by a lock is an error, not a pass', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    // A lock held elsewhere keeps the gate's first query waiting until the timeout cancels it.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE hermes_leads IN ACCESS EXCLUSIVE MODE');
      const outcome = await runGate(db, {
        gates: { thresholds: { db: { validateData: { statementTimeoutMs: 200 } } } },
      });
      expect(outcome.status).toBe('error');
      expect(outcome.summary).toBe('could not validate the live data');
      expect(outcome.reason).toContain('statement timeout');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  it("judges another project's table with its configured columns", async () => {
    const db = await createTestDatabase();
    await db.pool.query(`CREATE SCHEMA app;
      CREATE TABLE app.customers (id serial PRIMARY KEY, ref text, email text, created_at timestamptz DEFAULT now());
      INSERT INTO app.customers (ref, email) VALUES ('C-1', 'a@example.test'), ('C-2', NULL);`);
    const config = {
      gates: {
        thresholds: {
          db: {
            records: {
              table: 'app.customers',
              idColumn: 'ref',
              outboxTable: null,
              createdAtColumn: 'created_at',
            },
          },
        },
      },
    };
    const outcome = await runGate(db, config);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '1 missing_emails (app.customers.email IS NULL); outbox not checked (no outboxTable)',
    );
    const noColumn = await runGate(db, {
      gates: {
        thresholds: {
          db: {
            records: {
              table: 'app.customers',
              idColumn: 'ref',
              outboxTable: null,
              createdAtColumn: 'added_at',
            },
          },
        },
      },
    });
    expect(noColumn.status).toBe('error');
    expect(noColumn.reason).toBe(
      'column added_at (gates.thresholds.db.records.createdAtColumn) does not exist in app.customers',
    );
  });

  it('skips a database without the table, naming the key to set', async () => {
    const db = await createTestDatabase();
    const outcome = await runGate(db);
    expect(outcome.status).toBe('skip');
    expect(outcome.reason).toContain('db.validate-data judges the project');
    expect(outcome.reason).toContain('gates.thresholds.db.records.table');
  });
});
