import { describe, expect, it } from 'vitest';
import { smokeGate } from '../../../src/gates/builtin/db/smoke.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { judged } from '../support/judged.ts';
import { gateContext } from './support/gate-context.ts';
import { insertLead, insertRealLeads } from './support/insert-lead.ts';

/** Every row of hermes_leads as text, in id order: what "no side effects" compares, computed apart from the gate. */
async function everyRow(db: TestDatabase): Promise<{ count: number; rows: string[] }> {
  const { rows } = await db.pool.query<{ row: string }>(
    'SELECT t::text AS row FROM hermes_leads t ORDER BY id',
  );
  return { count: rows.length, rows: rows.map((r) => r.row) };
}

async function healthy(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: true });
  await insertRealLeads(db.pool);
  return db;
}

async function runSmoke(db: TestDatabase, config?: Record<string, unknown>): Promise<GateOutcome> {
  const ctx = gateContext({ databaseUrl: db.url, ...(config ? { config } : {}) });
  const outcome = await smokeGate.run(ctx);
  await ctx.close();
  return outcome;
}

const testLeads = async (db: TestDatabase) =>
  (await db.pool.query(`SELECT 1 FROM hermes_leads WHERE lead_id = 'DEPLOYMENT-TEST-001'`)).rowCount;

describe('db.smoke (§3.1.2)', () => {
  it('passes on a healthy database and leaves the row count and every other row as they were', async () => {
    const db = await healthy();
    const before = await everyRow(db);
    const outcome = await runSmoke(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      'INSERT, SELECT and DELETE of DEPLOYMENT-TEST-001 succeeded, its 10 columns read back as written; 3 existing leads unchanged (count and checksum)',
    );
    expect(judged(outcome)).toEqual([
      { name: 'insert', value: 1, threshold: 1, comparison: '==', passed: true },
      { name: 'rows retrieved', value: 1, threshold: 1, comparison: '==', passed: true },
      { name: 'columns retrieved as inserted', value: 10, threshold: 10, comparison: '==', passed: true },
      { name: 'rows deleted', value: 1, threshold: 1, comparison: '==', passed: true },
      { name: 'existing rows', value: 3, threshold: 3, comparison: '==', passed: true },
      { name: 'existing rows unchanged', value: 1, threshold: 1, comparison: '==', passed: true },
      { name: 'DEPLOYMENT-TEST-001 rows left', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
    expect(await everyRow(db)).toEqual(before);
  });

  it('passes on an empty table too: it judges its own row, and leaves the table empty', async () => {
    const db = await createTestDatabase({ migrate: true });
    const outcome = await runSmoke(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(await everyRow(db)).toEqual({ count: 0, rows: [] });
  });

  it('fails without touching a lead DEPLOYMENT-TEST-001 that was already there, and names it', async () => {
    const db = await healthy();
    await insertLead(db.pool, { leadId: 'DEPLOYMENT-TEST-001', email: 'someone@example.test' });
    const before = await everyRow(db);
    const outcome = await runSmoke(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(
      'a lead DEPLOYMENT-TEST-001 already exists in hermes_leads: the smoke test did not run and left it untouched',
    );
    expect(judged(outcome)).toEqual([
      {
        name: 'DEPLOYMENT-TEST-001 rows before the test',
        value: 1,
        threshold: 0,
        comparison: '==',
        passed: false,
      },
    ]);
    // The row, its values and every other row are as they were.
    expect(await everyRow(db)).toEqual(before);
  });

  it('still deletes its own row when the row read back differs, naming the columns (not their values)', async () => {
    const db = await healthy();
    // A trigger that rewrites what is written: the SELECT gets another first_name than the INSERT set.
    await db.pool.query(`
      CREATE FUNCTION rewrite_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN NEW.first_name := 'Rewritten'; RETURN NEW; END $$;
      CREATE TRIGGER rewrite_name BEFORE INSERT ON hermes_leads FOR EACH ROW
        WHEN (NEW.lead_id = 'DEPLOYMENT-TEST-001') EXECUTE FUNCTION rewrite_name();`);
    const before = await everyRow(db);
    const outcome = await runSmoke(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('the row read back differs in first_name');
    expect(JSON.stringify(outcome)).not.toContain('Rewritten');
    expect(judged(outcome)).toContainEqual({
      name: 'columns retrieved as inserted',
      value: 9,
      threshold: 10,
      comparison: '==',
      passed: false,
    });
    expect(await testLeads(db)).toBe(0);
    expect(await everyRow(db)).toEqual(before);
  });

  it('fails naming the refused INSERT, runs nothing after it, and changes nothing', async () => {
    const db = await healthy();
    await db.pool.query(
      `ALTER TABLE hermes_leads ADD CONSTRAINT no_deployment_email CHECK (email <> 'test@deployment.com')`,
    );
    const before = await everyRow(db);
    const outcome = await runSmoke(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^INSERT failed: .*no_deployment_email.*; SELECT and DELETE not run \(nothing inserted\)$/,
    );
    expect(outcome.measurements?.map((m) => m.name)).not.toContain('rows deleted');
    expect(await everyRow(db)).toEqual(before);
  });

  it('never deletes more than its own row: a DELETE matching two rows is rolled back (with the insert) and reported', async () => {
    const db = await healthy();
    // Without lead_id's uniqueness, a trigger adds a second DEPLOYMENT-TEST-001 beside the gate's.
    await db.pool.query('ALTER TABLE hermes_outbox DROP CONSTRAINT hermes_outbox_lead_id_fkey');
    await db.pool.query('ALTER TABLE hermes_leads DROP CONSTRAINT hermes_leads_lead_id_key');
    await db.pool.query(`
      CREATE FUNCTION add_twin() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
          problem_description, service_urgency, agree_to_terms, privacy_consent)
        VALUES (NEW.lead_id, 'Twin', 'Row', 'twin@example.test', 'France', '+33 1 23 45 67 89', 'x', 'soon', TRUE, TRUE);
        RETURN NULL;
      END $$;
      CREATE TRIGGER add_twin AFTER INSERT ON hermes_leads FOR EACH ROW
        WHEN (NEW.lead_id = 'DEPLOYMENT-TEST-001' AND NEW.first_name = 'Test') EXECUTE FUNCTION add_twin();`);
    const outcome = await runSmoke(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'SELECT returned 2 rows, expected 1; DELETE matched 2 rows, expected 1: rolled back',
    );
    // One transaction: the rollback takes the gate's row and the twin its insert made.
    expect(judged(outcome)).toContainEqual({
      name: 'DEPLOYMENT-TEST-001 rows left',
      value: 0,
      threshold: 0,
      comparison: '==',
      passed: true,
    });
    expect(await testLeads(db)).toBe(0);
  });

  it('fails when an existing row changed while it ran (the checksum)', async () => {
    const db = await healthy();
    // A side effect of the INSERT on another lead: what "no side effects on existing data" catches.
    await db.pool.query(`
      CREATE FUNCTION touch_other() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE hermes_leads SET country = 'France' WHERE lead_id = 'HS-20250101-REAL01'; RETURN NULL; END $$;
      CREATE TRIGGER touch_other AFTER INSERT ON hermes_leads FOR EACH ROW
        WHEN (NEW.lead_id = 'DEPLOYMENT-TEST-001') EXECUTE FUNCTION touch_other();`);
    const outcome = await runSmoke(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('existing rows changed during the test (checksum differs)');
    expect(judged(outcome)).toContainEqual({
      name: 'existing rows unchanged',
      value: 0,
      threshold: 1,
      comparison: '==',
      passed: false,
    });
    expect(await testLeads(db)).toBe(0);
  });

  it('does not count leads that arrive while it runs', async () => {
    const db = await healthy();
    // A real lead committed during the test (here by the INSERT's trigger) has an id past the snapshot's.
    await db.pool.query(`
      CREATE FUNCTION arrive() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
          problem_description, service_urgency, agree_to_terms, privacy_consent)
        VALUES ('HS-20250101-NEW001', 'New', 'Lead', 'new@example.test', 'France', '+33 1 23 45 67 89', 'x', 'soon', TRUE, TRUE);
        RETURN NULL;
      END $$;
      CREATE TRIGGER arrive AFTER INSERT ON hermes_leads FOR EACH ROW
        WHEN (NEW.lead_id = 'DEPLOYMENT-TEST-001') EXECUTE FUNCTION arrive();`);
    const outcome = await runSmoke(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect((await everyRow(db)).count).toBe(4);
  });

  it("skips another project's table of records, writing nothing", async () => {
    const db = await healthy();
    const before = await everyRow(db);
    const outcome = await runSmoke(db, {
      gates: { thresholds: { db: { records: { table: 'app.customers' } } } },
    });
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toBe(
      'the records table is app.customers, not hermes_leads: no deployment-test lead written',
    );
    expect(outcome.reason).toContain('gates.thresholds.db.records.table is app.customers');
    expect(await everyRow(db)).toEqual(before);
  });

  it('skips a database without hermes_leads', async () => {
    const db = await createTestDatabase();
    const outcome = await runSmoke(db);
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toBe('no table hermes_leads on the configured database: nothing to test');
  });
});
