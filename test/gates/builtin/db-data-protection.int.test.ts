import { describe, expect, it } from 'vitest';
import { dataProtectionGate } from '../../../src/gates/builtin/db/data-protection.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { anonymiseLeads } from '../../../src/leads/anonymise-leads.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { judged } from '../support/judged.ts';
import { gateContext } from './support/gate-context.ts';
import { insertLead, insertRealLeads } from './support/insert-lead.ts';

interface GateSettings {
  noData?: string;
  records?: Record<string, unknown>;
  dataProtection?: Record<string, unknown>;
}

/**
 * The gate, judging the consent flags with the access control of a service that connects as
 * hermes_service (migration 0042's role, with exactly its rights) unless `dataProtection` says
 * otherwise: this file's connection is a superuser's, which the access-control tests judge.
 */
async function runGate(db: TestDatabase, settings: GateSettings = {}): Promise<GateOutcome> {
  const config = {
    gates: {
      ...(settings.noData ? { noData: settings.noData } : {}),
      thresholds: {
        db: {
          ...(settings.records ? { records: settings.records } : {}),
          dataProtection: { serviceRole: 'hermes_service', ...settings.dataProtection },
        },
      },
    },
  };
  const ctx = gateContext({ databaseUrl: db.url, config });
  const outcome = await dataProtectionGate.run(ctx);
  await ctx.close();
  return outcome;
}

const notYet = 'data encryption: not checked yet';
const accessPasses =
  "access control: the service's role hermes_service (gates.thresholds.db.dataProtection.serviceRole) has the rights it uses and no more: no DDL, no TRUNCATE, nothing on the gate history or the ledger; nothing granted to PUBLIC";

describe('db.data-protection (§3.3.2)', () => {
  it('passes when every record has its consent flags, saying what it did not check', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    const outcome = await runGate(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      `consent flags: 3 of 3 records consented and gdpr_compliant, consent_at set; ${notYet}; ${accessPasses}`,
    );
    expect(judged(outcome)).toEqual([
      { name: 'consented_records', value: 3, threshold: 3, comparison: '==', passed: true },
      { name: 'gdpr_compliant', value: 3, threshold: 3, comparison: '==', passed: true },
      { name: 'records without consent_at', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
    // Nothing measures encryption or access control: no report can read them as checked.
    expect(outcome.measurements?.map((m) => m.name)).toEqual([
      'total_records',
      'consented_records',
      'gdpr_compliant',
      'records without consent_at',
    ]);
  });

  it('judges erased leads too: erasure keeps their consent flags', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    expect(await anonymiseLeads(db.pool, { email: 'hs-20250101-real01@example.test' })).toEqual([
      'HS-20250101-REAL01',
    ]);
    const outcome = await runGate(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.measurements?.find((m) => m.name === 'consented_records')?.value).toBe(3);
  });

  it('fails naming each record without a flag by lead_id and the flag, never its email or name', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    // The schema's CHECK refuses a lead without privacy consent; it goes here so that one can be
    // planted, as a row written around the intake (an import, a hand-made fix) would be.
    await db.pool.query('ALTER TABLE hermes_leads DROP CONSTRAINT hermes_leads_privacy_consented');
    await insertLead(db.pool, {
      leadId: 'HS-20250101-NOCONS',
      email: 'grace@example.test',
      privacyConsent: false,
    });
    await insertLead(db.pool, {
      leadId: 'HS-20250101-NOGDPR',
      email: 'alan@example.test',
      gdprCompliant: false,
    });
    const outcome = await runGate(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `1 record without privacy_consent, 1 record not gdpr_compliant: HS-20250101-NOCONS, HS-20250101-NOGDPR; ${notYet}; ${accessPasses}`,
    );
    expect(outcome.evidence?.[0]?.content).toEqual([
      { lead_id: 'HS-20250101-NOCONS', lacking: 'privacy_consent' },
      { lead_id: 'HS-20250101-NOGDPR', lacking: 'gdpr_compliant' },
    ]);
    expect(judged(outcome)).toEqual([
      { name: 'consented_records', value: 4, threshold: 5, comparison: '==', passed: false },
      { name: 'gdpr_compliant', value: 4, threshold: 5, comparison: '==', passed: false },
      { name: 'records without consent_at', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
    const text = JSON.stringify(outcome);
    for (const pii of ['grace@example.test', 'alan@example.test', 'Ada', 'Lovelace', '+44'])
      expect(text).not.toContain(pii);
  });

  it('names at most maxListed lead_ids, and counts the rest', async () => {
    const db = await createTestDatabase({ migrate: true });
    await db.pool.query('ALTER TABLE hermes_leads DROP CONSTRAINT hermes_leads_privacy_consented');
    // consent_at is NOT NULL in the schema, so a row without it is counted too.
    await db.pool.query('ALTER TABLE hermes_leads ALTER COLUMN consent_at DROP NOT NULL');
    for (let i = 1; i <= 5; i++)
      await insertLead(db.pool, { leadId: `HS-20250101-NOCON${i}`, privacyConsent: false });
    await db.pool.query(`UPDATE hermes_leads SET consent_at = NULL WHERE lead_id = 'HS-20250101-NOCON1'`);
    const outcome = await runGate(db, { dataProtection: { maxListed: 2 } });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `5 records without privacy_consent, 1 record without consent_at: HS-20250101-NOCON1, HS-20250101-NOCON2 and 3 more; ${notYet}; ${accessPasses}`,
    );
    expect(outcome.evidence?.[0]).toEqual({
      kind: 'rows',
      title: 'records lacking a consent flag (first 2 of 5: lead_id and flags only)',
      content: [
        { lead_id: 'HS-20250101-NOCON1', lacking: 'privacy_consent, consent_at' },
        { lead_id: 'HS-20250101-NOCON2', lacking: 'privacy_consent' },
      ],
    });
  });

  it('is no data on an empty table, never a pass, and still says what it did not check', async () => {
    const db = await createTestDatabase({ migrate: true });
    const outcome = await runGate(db);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toBe(
      `no data: hermes_leads has no rows: no consent flag to judge; ${notYet}; ${accessPasses}`,
    );
    const strict = await runGate(db, { noData: 'fail' });
    expect(strict.status).toBe('fail');
  });

  it("skips another project's table of records and a database without hermes_leads", async () => {
    const db = await createTestDatabase();
    const foreign = await runGate(db, { records: { table: 'app.customers' } });
    expect(foreign.status).toBe('skip');
    expect(foreign.summary).toBe(
      `the records table is app.customers, not hermes_leads: no consent flags to judge; ${notYet}`,
    );
    const missing = await runGate(db);
    expect(missing.status).toBe('skip');
    expect(missing.summary).toBe(
      `no table hermes_leads on the configured database: nothing to judge; ${notYet}`,
    );
  });
});
