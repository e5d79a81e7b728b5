import { beforeAll, describe, expect, it } from 'vitest';
import { connectivityGate } from '../../../src/gates/builtin/db/connectivity.ts';
import { integrityGate } from '../../../src/gates/builtin/db/integrity.ts';
import { createTestDatabase, useTestDatabase } from '../../support/test-database.ts';
import { gateContext, unreachableUrl } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

/** A judged integrity count: each must be 0. */
const zeroRow = (name: string, value: number) => ({
  name,
  value,
  threshold: 0,
  comparison: '==',
  passed: value === 0,
});

const insertLead = `INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
  problem_description, service_urgency, agree_to_terms, privacy_consent)
VALUES ($1, 'Test', 'User', $2, 'United Kingdom', '+44 7700 900000', 'Integrity test', 'soon', TRUE, TRUE)`;

describe('db.integrity and db.connectivity', () => {
  const db = useTestDatabase();
  beforeAll(async () => {
    await db.pool.query(insertLead, ['HS-20250101-AAAAAA', 'a@example.test']);
    await db.pool.query(insertLead, ['HS-20250101-BBBBBB', 'a@example.test']);
  });

  it('db.integrity passes and reports duplicate emails as a measurement', async () => {
    const ctx = gateContext({ databaseUrl: db.url });
    const outcome = await integrityGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.measurements?.find((m) => m.name === 'duplicate_emails')).toEqual({
      name: 'duplicate_emails',
      value: 1,
      unit: 'count',
    });
    expect(JSON.stringify(outcome)).not.toContain('a@example.test');
    // Reported, not judged: duplicate_emails has no threshold under the default policy.
    expect(judged(outcome)).toEqual([
      zeroRow('orphaned_records', 0),
      zeroRow('duplicate_lead_ids', 0),
      zeroRow('unvalidated constraints', 0),
      zeroRow('outbox rows without a lead', 0),
    ]);
    expect(outcome.measurements?.find((m) => m.name === 'total_leads')?.value).toBe(2);
  });

  it('db.integrity warns on duplicate emails when the policy says so', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: { gates: { thresholds: { db: { integrity: { duplicateEmails: 'warn' } } } } },
    });
    const outcome = await integrityGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe('1 duplicate emails');
    expect(judged(outcome)).toContainEqual(zeroRow('duplicate_emails', 1));
  });

  it('db.integrity fails naming duplicate lead_ids', async () => {
    const broken = await createTestDatabase({ migrate: true });
    await broken.pool.query('ALTER TABLE hermes_outbox DROP CONSTRAINT hermes_outbox_lead_id_fkey');
    await broken.pool.query('ALTER TABLE hermes_leads DROP CONSTRAINT hermes_leads_lead_id_key');
    await broken.pool.query(insertLead, ['HS-20250101-DUPDUP', 'x@example.test']);
    await broken.pool.query(insertLead, ['HS-20250101-DUPDUP', 'y@example.test']);
    const ctx = gateContext({ databaseUrl: broken.url });
    const outcome = await integrityGate.run(ctx);
    await ctx.close();
    await broken.drop();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('1 duplicate lead_ids');
    expect(outcome.evidence?.[0]?.content).toEqual([{ lead_id: 'HS-20250101-DUPDUP', copies: 2 }]);
    expect(judged(outcome)).toContainEqual(zeroRow('duplicate_lead_ids', 1));
  });

  it('db.integrity skips, naming the key to set, when hermes_leads does not exist', async () => {
    const empty = await createTestDatabase();
    const ctx = gateContext({ databaseUrl: empty.url });
    const outcome = await integrityGate.run(ctx);
    await ctx.close();
    await empty.drop();
    expect(outcome.status).toBe('skip');
    expect(outcome.summary).toContain('no table hermes_leads');
    expect(outcome.reason).toContain('gates.thresholds.db.records.table');
  });

  it('db.connectivity verifies read/write, rolls it back, and only notes the missing SSL in development', async () => {
    const ctx = gateContext({ databaseUrl: db.url });
    const outcome = await connectivityGate.run(ctx);
    await ctx.close();
    // The test server has no SSL: in development (and on this machine) that is a note, not a warning.
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('read/write verified on hermes_leads and rolled back');
    expect(outcome.summary).toMatch(/, no SSL \(fine here: the database is on this machine\)$/);
    expect(outcome.evidence?.map((e) => e.title)).toEqual(['SSL']);
    expect(outcome.evidence?.[0]?.content).toContain('SSL is required in production');
    // No measurement judges against the status.
    expect(outcome.measurements?.filter((m) => m.passed === false)).toEqual([]);
    expect(outcome.measurements?.find((m) => m.name === 'ssl')).toEqual({
      name: 'ssl',
      value: 0,
      unit: 'bool',
    });
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM hermes_leads WHERE source = 'deployment-test'`,
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('db.connectivity in production without requireSslIn there: a loopback database needs no SSL', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: {
        environment: 'production',
        gates: { thresholds: { db: { connectivity: { requireSslIn: ['staging'] } } } },
      },
    });
    const outcome = await connectivityGate.run(ctx);
    await ctx.close();
    // A remote database here would warn (see db-connectivity-ssl.test.ts); the test server is local.
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('no SSL (fine here: the database is on this machine)');
  });

  it('db.connectivity fails without SSL in production', async () => {
    const ctx = gateContext({ databaseUrl: db.url, config: { environment: 'production' } });
    const outcome = await connectivityGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('SSL is required in production');
    expect(outcome.measurements?.find((m) => m.name === 'ssl')).toMatchObject({ value: 0, passed: false });
  });

  it('db.connectivity is an error when the database is unreachable', async () => {
    const outcome = await connectivityGate.run(gateContext({ databaseUrl: unreachableUrl }));
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe('could not connect to the database');
    expect(outcome.reason).toMatch(/ECONNREFUSED|connect/);
  });
});
