import { describe, expect, it } from 'vitest';
import { dataProtectionGate } from '../../../src/gates/builtin/db/data-protection.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { randomBytes } from 'node:crypto';
import { anonymiseLeads } from '../../../src/leads/anonymise-leads.ts';
import { resolveDataKeys } from '../../../src/leads/encryption/resolve-data-keys.ts';
import { rotateDataKeys } from '../../../src/leads/encryption/rotate-data-keys.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { judged } from '../support/judged.ts';
import { gateContext } from './support/gate-context.ts';
import { insertLead, insertRealLeads } from './support/insert-lead.ts';

const teamKey = `k1:${randomBytes(32).toString('base64')}`; // secretlint-disable-line -- a test key
const withTeamKey = { dataProtection: { keys: [teamKey] } };

/** Every stored value under the team's key, as `hermes keys rotate` leaves a live database. */
async function encryptAll(db: TestDatabase): Promise<void> {
  const { ring } = resolveDataKeys({ environment: 'test', ...withTeamKey });
  await rotateDataKeys(db.pool, ring, { batchSize: 100 });
}

type Tree = Record<string, unknown>;
const isTree = (value: unknown): value is Tree =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const merged = (base: Tree, extra: Tree): Tree =>
  Object.fromEntries(
    [...new Set([...Object.keys(base), ...Object.keys(extra)])].map((key) => {
      const [a, b] = [base[key], extra[key]];
      return [key, isTree(a) && isTree(b) ? merged(a, b) : (b ?? a)];
    }),
  );

/**
 * The gate with the team's key and a service that connects as hermes_service (migration 0042's
 * role, with exactly its rights), unless `config` says otherwise: this file's connection is a
 * superuser's, which the access-control tests judge.
 */
async function runGate(db: TestDatabase, config: Tree = {}): Promise<GateOutcome> {
  const serviceRole = {
    gates: { thresholds: { db: { dataProtection: { serviceRole: 'hermes_service' } } } },
  };
  const ctx = gateContext({ databaseUrl: db.url, config: merged(merged(withTeamKey, serviceRole), config) });
  const outcome = await dataProtectionGate.run(ctx);
  await ctx.close();
  return outcome;
}

const accessPasses =
  "access control: the service's role hermes_service (gates.thresholds.db.dataProtection.serviceRole) has the rights it uses and no more: no DDL, no TRUNCATE, nothing on the gate history or the ledger; nothing granted to PUBLIC";
const encrypted = (n: number) =>
  `encryption: ${n} values of phone_number and problem_description encrypted, none plaintext`;

describe('db.data-protection (§3.3.2)', () => {
  it('passes when every record has its consent flags, saying what it did not check', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    await encryptAll(db);
    const outcome = await runGate(db);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      `consent flags: 3 of 3 records consented and gdpr_compliant, consent_at set; ${encrypted(6)}; ${accessPasses}`,
    );
    expect(judged(outcome)).toEqual([
      { name: 'consented_records', value: 3, threshold: 3, comparison: '==', passed: true },
      { name: 'gdpr_compliant', value: 3, threshold: 3, comparison: '==', passed: true },
      { name: 'records without consent_at', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'plaintext values', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
    // Nothing measures access control: no report can read it as checked.
    expect(outcome.measurements?.map((m) => m.name)).toEqual([
      'total_records',
      'consented_records',
      'gdpr_compliant',
      'records without consent_at',
      'plaintext values',
      'encrypted values',
      'development key values',
    ]);
  });

  it('judges erased leads too: erasure keeps their consent flags', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool);
    expect(await anonymiseLeads(db.pool, { email: 'hs-20250101-real01@example.test' })).toEqual([
      'HS-20250101-REAL01',
    ]);
    await encryptAll(db);
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
    await encryptAll(db);
    const outcome = await runGate(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `1 record without privacy_consent, 1 record not gdpr_compliant: HS-20250101-NOCONS, HS-20250101-NOGDPR; ${encrypted(10)}; ${accessPasses}`,
    );
    expect(outcome.evidence?.[0]?.content).toEqual([
      { lead_id: 'HS-20250101-NOCONS', lacking: 'privacy_consent' },
      { lead_id: 'HS-20250101-NOGDPR', lacking: 'gdpr_compliant' },
    ]);
    expect(judged(outcome)).toEqual([
      { name: 'consented_records', value: 4, threshold: 5, comparison: '==', passed: false },
      { name: 'gdpr_compliant', value: 4, threshold: 5, comparison: '==', passed: false },
      { name: 'records without consent_at', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'plaintext values', value: 0, threshold: 0, comparison: '==', passed: true },
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
    await encryptAll(db);
    const outcome = await runGate(db, {
      gates: { thresholds: { db: { dataProtection: { maxListed: 2 } } } },
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `5 records without privacy_consent, 1 record without consent_at: HS-20250101-NOCON1, HS-20250101-NOCON2 and 3 more; ${encrypted(10)}; ${accessPasses}`,
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
      `no data: hermes_leads has no rows: no consent flag to judge; encryption: no stored phone_number or problem_description to judge; ${accessPasses}`,
    );
    const strict = await runGate(db, { gates: { noData: 'fail' } });
    expect(strict.status).toBe('fail');
  });

  it("skips another project's table of records and a database without hermes_leads", async () => {
    const db = await createTestDatabase();
    const foreign = await runGate(db, {
      gates: { thresholds: { db: { records: { table: 'app.customers' } } } },
    });
    expect(foreign.status).toBe('skip');
    expect(foreign.summary).toBe(
      `the records table is app.customers, not hermes_leads: no consent flags to judge`,
    );
    const missing = await runGate(db);
    expect(missing.status).toBe('skip');
    expect(missing.summary).toBe(`no table hermes_leads on the configured database: nothing to judge`);
  });

  it('fails on a plaintext value in an encrypted column, naming the lead_id and the column, never the value', async () => {
    const db = await createTestDatabase({ migrate: true });
    await insertRealLeads(db.pool, 2);
    await encryptAll(db);
    // A row written around the intake (an import, a hand-made fix, a release before encryption).
    await insertLead(db.pool, { leadId: 'HS-20250101-PLAIN1' });
    await db.pool.query(
      `UPDATE hermes_leads SET problem_description = '' WHERE lead_id = 'HS-20250101-PLAIN1'`,
    );
    const outcome = await runGate(db);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      `consent flags: 3 of 3 records consented and gdpr_compliant, consent_at set; encryption: 1 record with a plaintext phone_number or problem_description: HS-20250101-PLAIN1 (run \`hermes keys rotate\`); ${accessPasses}`,
    );
    expect(outcome.evidence?.[0]).toEqual({
      kind: 'rows',
      title: 'records with a plaintext value in an encrypted column (first 1 of 1: lead_id and columns only)',
      content: [{ lead_id: 'HS-20250101-PLAIN1', plaintext: 'phone_number' }],
    });
    expect(JSON.stringify(outcome)).not.toContain('+44');
    // Once rotated, it passes.
    await encryptAll(db);
    expect((await runGate(db)).status).toBe('pass');
  });

  it('fails in production on the development key, and warns elsewhere; an empty table is still no pass', async () => {
    const db = await createTestDatabase({ migrate: true });
    const noKey = { dataProtection: { keys: [] } };
    const empty = await runGate(db, { ...noKey, environment: 'production' });
    expect(empty.status).toBe('fail');
    expect(empty.summary).toContain(
      'encryption: the data key is the published development key (set HERMES_DATA_KEY)',
    );
    await insertRealLeads(db.pool, 1);
    const { ring } = resolveDataKeys({ environment: 'test', ...noKey });
    await rotateDataKeys(db.pool, ring, { batchSize: 10 });
    const staging = await runGate(db, { ...noKey, environment: 'staging' });
    expect(staging.status).toBe('warn');
    expect(staging.summary).toContain('the data key is the published development key');
    const production = await runGate(db, { ...noKey, environment: 'production' });
    expect(production.status).toBe('fail');
    expect(production.summary).toContain(
      'the data key is the published development key (set HERMES_DATA_KEY); 2 values under the development key',
    );
    // The team's key configured but the values not yet rotated off the development key: still a failure.
    const notRotated = await runGate(db, { environment: 'production' });
    expect(notRotated.status).toBe('fail');
    expect(notRotated.summary).toContain('2 values under the development key');
  });
});
