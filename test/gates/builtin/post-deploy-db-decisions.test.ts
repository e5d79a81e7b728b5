import { encryptionVerdict } from '../../../src/gates/builtin/db/encryption-check.ts';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { consentOutcome, consentProblems } from '../../../src/gates/builtin/db/data-protection.ts';
import { integrityQueries } from '../../../src/gates/builtin/db/integrity-queries.ts';
import { judgeSmoke, type SmokeRun } from '../../../src/gates/builtin/db/judge-smoke.ts';
import { isOwnLeadsTable } from '../../../src/gates/builtin/db/own-leads.ts';
import { quoteRecords, type QuotedRecords } from '../../../src/gates/builtin/db/record-table.ts';
import { requiredFieldsQuery } from '../../../src/gates/builtin/db/required-fields-query.ts';
import {
  mismatchedColumns,
  smokeInsertSql,
  smokeLead,
} from '../../../src/gates/builtin/db/smoke-statements.ts';
import { judgeLiveData } from '../../../src/gates/builtin/db/validate-data.ts';
import { gateThresholds } from '../../../src/gates/builtin/support/thresholds.ts';
import { noDataOutcome } from '../../../src/gates/no-data.ts';

const defaults = gateThresholds(configSchema.parse({})).db.records;
const own = {
  table: 'hermes_leads',
  idColumn: 'lead_id',
  emailColumn: 'email',
  createdAtColumn: 'created_at',
  outboxTable: 'hermes_outbox',
} as QuotedRecords;

describe('the specification’s queries, as written', () => {
  it('§4.2.1 with Hermes’s defaults', () => {
    expect(requiredFieldsQuery(own).sql).toBe(`SELECT
  COUNT(*) as total_leads,
  COUNT(*) FILTER (WHERE lead_id IS NULL) as missing_lead_ids,
  COUNT(*) FILTER (WHERE email IS NULL) as missing_emails,
  COUNT(*) FILTER (WHERE created_at IS NULL) as missing_timestamps
FROM hermes_leads`);
  });

  it('§4.2.1 leaves out a column the configuration sets to null, and quotes what needs it', () => {
    const query = requiredFieldsQuery(
      quoteRecords({ ...defaults, table: 'app.Customers', idColumn: 'Ref', emailColumn: null }),
    );
    expect(query.sql).toBe(`SELECT
  COUNT(*) as total_leads,
  COUNT(*) FILTER (WHERE "Ref" IS NULL) as missing_lead_ids,
  COUNT(*) FILTER (WHERE created_at IS NULL) as missing_timestamps
FROM app."Customers"`);
    expect(query.fields.map((f) => f.name)).toEqual(['missing_lead_ids', 'missing_timestamps']);
  });

  it('§3.1.2’s INSERT, and the values it sets', () => {
    expect(smokeInsertSql).toBe(`INSERT INTO hermes_leads (
    lead_id, first_name, last_name, email, country,
    phone_number, problem_description, service_urgency,
    agree_to_terms, privacy_consent
) VALUES (
    'DEPLOYMENT-TEST-001', 'Test', 'User', 'test@deployment.com',
    'United Kingdom', '+44 7700 900000', 'Deployment test',
    'not-urgent', TRUE, TRUE
)`);
    expect(Object.keys(smokeLead)).toEqual([
      'lead_id',
      'first_name',
      'last_name',
      'email',
      'country',
      'phone_number',
      'problem_description',
      'service_urgency',
      'agree_to_terms',
      'privacy_consent',
    ]);
  });

  it('§1.3.2’s duplicate-email count, and with the synthetic leads left out', () => {
    expect(integrityQueries(own).duplicateEmails).not.toContain('source');
    expect(integrityQueries(own, 'deployment-test').duplicateEmails)
      .toBe(`SELECT COUNT(*) as duplicate_emails FROM (
    SELECT email, COUNT(*) as cnt
    FROM hermes_leads
    WHERE source <> 'deployment-test'
    GROUP BY email
    HAVING COUNT(*) > 1
) duplicates`);
  });

  it('hermes_leads is Hermes’s own table, bare or in public', () => {
    expect(['hermes_leads', 'public.hermes_leads', 'app.hermes_leads', 'leads'].map(isOwnLeadsTable)).toEqual(
      [true, true, false, false],
    );
  });
});

describe('db.smoke’s verdict', () => {
  const snapshot = { rows: 3, maxId: '3', checksum: '42' };
  const run = (changes: Partial<SmokeRun> = {}): SmokeRun => ({
    before: snapshot,
    insert: { ok: true, value: null },
    retrieve: { ok: true, value: { rows: 1, mismatched: [] } },
    remove: { ok: true, value: { rows: 1, committed: true } },
    after: { ok: true, value: { ...snapshot, leftover: 0 } },
    ...changes,
  });

  it('passes when every step and the comparison hold', () => {
    expect(judgeSmoke(run()).status).toBe('pass');
  });

  it('compares every column the INSERT sets, by name', () => {
    expect(mismatchedColumns({ ...smokeLead })).toEqual([]);
    expect(mismatchedColumns({ ...smokeLead, email: 'other@example.test', agree_to_terms: 'true' })).toEqual([
      'email',
      'agree_to_terms',
    ]);
    expect(mismatchedColumns({})).toHaveLength(10);
  });

  it('names a failed DELETE and its leftover row', () => {
    const outcome = judgeSmoke(
      run({
        remove: { ok: false, reason: 'canceling statement due to statement timeout' },
        after: { ok: true, value: { ...snapshot, leftover: 1 } },
      }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'DELETE failed: canceling statement due to statement timeout; DEPLOYMENT-TEST-001 left in hermes_leads: delete it once looked at',
    );
  });

  it('judges no columns when the SELECT found no row', () => {
    const outcome = judgeSmoke(run({ retrieve: { ok: true, value: { rows: 0, mismatched: [] } } }));
    expect(outcome.summary).toBe('SELECT returned 0 rows, expected 1');
    expect(outcome.measurements?.map((m) => m.name)).not.toContain('columns retrieved as inserted');
  });

  it('names changed counts and an unreadable table after the test', () => {
    expect(
      judgeSmoke(run({ after: { ok: true, value: { ...snapshot, rows: 2, leftover: 0 } } })).summary,
    ).toBe('existing rows: 3 before, 2 after');
    expect(judgeSmoke(run({ after: { ok: false, reason: 'connection terminated' } })).summary).toBe(
      'could not read hermes_leads after the test: connection terminated',
    );
  });
});

describe('db.validate-data’s and db.data-protection’s verdicts', () => {
  const counts = (missingEmails: number) => ({
    total: 4,
    missing: requiredFieldsQuery(own).fields.map((field) => ({
      field,
      count: field.name === 'missing_emails' ? missingEmails : 0,
    })),
  });

  it('a NULL required field fails over db.integrity’s pass or warning', () => {
    expect(judgeLiveData({ verdict: 'warn', problems: ['1 duplicate emails'] }, counts(0), defaults)).toEqual(
      {
        status: 'warn',
        problems: ['1 duplicate emails'],
      },
    );
    expect(judgeLiveData({ verdict: 'warn', problems: ['1 duplicate emails'] }, counts(2), defaults)).toEqual(
      {
        status: 'fail',
        problems: ['1 duplicate emails', '2 missing_emails (email IS NULL)'],
      },
    );
  });

  it('counts each consent shortfall; passes, is no data or fails accordingly', () => {
    const full = { total: 2, consented: 2, gdprCompliant: 2, missingConsentAt: 0 };
    expect(consentProblems(full)).toEqual([]);
    expect(consentProblems({ ...full, consented: 0, missingConsentAt: 1 })).toEqual([
      '2 records without privacy_consent',
      '1 record without consent_at',
    ]);
    const noData = () => noDataOutcome(configSchema.parse({}), 'db.data-protection', 'nothing');
    const none = { listed: [], total: 0 };
    expect(
      [
        consentOutcome(full, none, noData),
        consentOutcome({ ...full, total: 0, consented: 0, gdprCompliant: 0 }, none, noData),
        consentOutcome(
          { ...full, gdprCompliant: 1 },
          { listed: [{ lead_id: null, lacking: 'gdpr_compliant' }], total: 1 },
          noData,
        ),
      ].map((o) => o.status),
    ).toEqual(['pass', 'warn', 'fail']);
  });
});

describe('db.data-protection: the encryption verdict', () => {
  const facts = {
    plaintextValues: 0,
    encryptedValues: 4,
    developmentValues: 0,
    listed: [],
    plaintextRows: 0,
  };
  const teamKey = { development: false, environment: 'production' } as const;

  it('passes with every value encrypted under a key of the team', () => {
    expect(encryptionVerdict(facts, teamKey)).toMatchObject({
      status: 'pass',
      text: 'encryption: 4 values of phone_number and problem_description encrypted, none plaintext',
    });
  });

  it('names the first plaintext rows and counts the rest', () => {
    const verdict = encryptionVerdict(
      {
        ...facts,
        plaintextValues: 5,
        plaintextRows: 4,
        listed: [
          { lead_id: 'HS-1', plaintext: 'phone_number' },
          { lead_id: 'HS-2', plaintext: 'phone_number, problem_description' },
        ],
      },
      teamKey,
    );
    expect(verdict.status).toBe('fail');
    expect(verdict.text).toBe(
      'encryption: 4 records with a plaintext phone_number or problem_description: HS-1, HS-2 and 2 more (run `hermes keys rotate`)',
    );
  });

  it('fails on the development key in production, warns on it elsewhere', () => {
    expect(encryptionVerdict(facts, { development: true, environment: 'production' }).status).toBe('fail');
    expect(encryptionVerdict(facts, { development: true, environment: 'development' }).status).toBe('warn');
    expect(encryptionVerdict({ ...facts, developmentValues: 1 }, teamKey).status).toBe('fail');
    expect(
      encryptionVerdict({ ...facts, developmentValues: 1 }, { ...teamKey, environment: 'staging' }).status,
    ).toBe('pass');
  });
});
