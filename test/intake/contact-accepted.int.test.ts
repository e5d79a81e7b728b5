import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormTokens } from '../../src/intake/form-token.ts';
import { isEncrypted } from '../../src/leads/encryption/field-cipher.ts';
import { decryptLeadField } from '../../src/leads/encryption/lead-fields.ts';
import { developmentDataKeys } from '../support/data-keys.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';

let intake: IntakeUnderTest;

beforeAll(async () => {
  // Limits are tested on their own (contact-failures); here one address sends many leads.
  intake = await startIntake({
    config: { intake: { rateLimit: { enabled: false }, acceptedPrivacyPolicyVersions: ['2024-06'] } },
  });
});
afterAll(async () => {
  await intake.close();
});

async function leadRow(db: IntakeUnderTest, leadId: string) {
  const { rows } = await db.database.pool.query<Record<string, unknown>>(
    `SELECT l.*, (SELECT count(*)::int FROM hermes_outbox o WHERE o.lead_id = l.lead_id AND o.status = 'pending') AS outbox_rows
     FROM hermes_leads l WHERE lead_id = $1`,
    [leadId],
  );
  const row = rows[0];
  // Stored encrypted (src/leads/encryption/): the raw column holds no plaintext.
  expect(isEncrypted(String(row?.phone_number))).toBe(true);
  expect(isEncrypted(String(row?.problem_description))).toBe(true);
  return (
    row && {
      ...row,
      phone_number: decryptLeadField(developmentDataKeys, 'phone_number', leadId, String(row.phone_number)),
    }
  );
}

describe('POST /api/contact accepted', () => {
  it('201 {lead_id} after the lead and its outbox row are committed, values normalised', async () => {
    const before = intake.committed.count;
    const response = await intake.post(
      validLead({
        first_name: '  Ada  ',
        last_name: 'King   Lovelace',
        email: 'Ada.King@Example.COM ',
        country: 'united kingdom',
        phone_number: '020 7946 0958',
        service_urgency: 'not-urgent',
      }),
    );
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    expect(leadId).toMatch(/^HS-\d{8}-[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(await leadRow(intake, leadId)).toMatchObject({
      first_name: 'Ada',
      last_name: 'King Lovelace',
      email: 'ada.king@example.com',
      country: 'United Kingdom',
      phone_number: '+442079460958',
      service_urgency: 'not-urgent',
      status: 'received',
      source: 'api',
      spam_reason: null,
      privacy_policy_version: intake.config.intake.privacyPolicyVersion,
      outbox_rows: 1,
    });
    expect(intake.committed.count).toBe(before + 1);
  });

  it('accepts a urlencoded form (checkboxes as "on") and answers JSON to a non-browser client', async () => {
    const form = new URLSearchParams({
      ...(validLead() as Record<string, string>),
      agree_to_terms: 'on',
      privacy_consent: 'on',
      privacy_policy_version: '2024-06',
    });
    const response = await intake.post(null, {
      raw: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    expect(await leadRow(intake, leadId)).toMatchObject({
      privacy_policy_version: '2024-06',
      outbox_rows: 1,
    });
  });
});

describe('Idempotency-Key', () => {
  it('a retry with the same key and body gets the original answer and stores nothing new', async () => {
    const lead = validLead();
    const headers = { 'idempotency-key': `retry-${Date.now()}` };
    const first = await intake.post(lead, { headers });
    expect(first.status).toBe(201);
    const original = (await first.json()) as { lead_id: string };
    const after = await intake.counts();
    const again = await intake.post({ ...lead, first_name: ' Ada ' }, { headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(original);
    expect(await intake.counts()).toEqual(after);
  });

  it('concurrent requests with one key store one lead and all get its id', async () => {
    const lead = validLead();
    const headers = { 'idempotency-key': `race-${Date.now()}` };
    const before = await intake.counts();
    const answers = await Promise.all(Array.from({ length: 8 }, () => intake.post(lead, { headers })));
    const ids = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { lead_id: string }).lead_id),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(ids).size).toBe(1);
    expect(await intake.counts()).toEqual({
      leads: before.leads + 1,
      outbox: before.outbox + 1,
      keys: before.keys + 1,
    });
  });
});

describe('spam guards: a success-looking answer, stored flagged, never forwarded', () => {
  let guarded: IntakeUnderTest;
  const secret = 'a-test-form-token-secret-0123456789';
  const tokens = new FormTokens(secret, 24);

  beforeAll(async () => {
    guarded = await startIntake({
      database: intake.database,
      config: { intake: { minFillMs: 60_000, formTokenSecret: secret, rateLimit: { enabled: false } } },
    });
  });
  afterAll(async () => {
    await guarded.close();
  });

  async function submit(envelope: Record<string, unknown>) {
    const committedBefore = guarded.committed.count;
    const response = await guarded.post(validLead(envelope));
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    return { leadId, row: await leadRow(guarded, leadId), woke: guarded.committed.count > committedBefore };
  }

  it('a filled honeypot', async () => {
    const { row, woke } = await submit({
      website: 'http://spam.example',
      form_token: tokens.issue(Date.now() - 120_000),
    });
    expect(row).toMatchObject({ status: 'spam', spam_reason: 'honeypot', outbox_rows: 0 });
    expect(woke).toBe(false);
  });

  it('a honeypot sent empty or as a non-string (no bot types that) is not a spam signal', async () => {
    for (const website of ['', null, false, 0]) {
      const { row } = await submit({ website, form_token: tokens.issue(Date.now() - 120_000) });
      expect(row).toMatchObject({ status: 'received', spam_reason: null, outbox_rows: 1 });
    }
  });

  it('a form sent sooner than the minimum fill time', async () => {
    const { row } = await submit({ form_token: tokens.issue() });
    expect(row).toMatchObject({ status: 'spam', spam_reason: 'too_fast', outbox_rows: 0 });
  });

  it('no token (on a form post, or empty from the page’s script), a forged token', async () => {
    const form = new URLSearchParams({
      ...(validLead() as Record<string, string>),
      agree_to_terms: 'on',
      privacy_consent: 'on',
    });
    const urlencoded = await guarded.post(null, {
      raw: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(urlencoded.status).toBe(201);
    const { lead_id: formLead } = (await urlencoded.json()) as { lead_id: string };
    expect(await leadRow(guarded, formLead)).toMatchObject({
      status: 'spam',
      spam_reason: 'missing_token',
      source: 'web-form',
      outbox_rows: 0,
    });
    expect((await submit({ form_token: '' })).row).toMatchObject({
      status: 'spam',
      spam_reason: 'missing_token',
      outbox_rows: 0,
    });
    const forged = new FormTokens('another-secret-of-enough-length', 24).issue(Date.now() - 120_000);
    expect((await submit({ form_token: forged })).row).toMatchObject({
      spam_reason: 'bad_token',
      outbox_rows: 0,
    });
  });

  it('an API client (JSON without a form token) has no token to check: a lead, forwarded', async () => {
    const { row, woke } = await submit({});
    expect(row).toMatchObject({ status: 'received', spam_reason: null, source: 'api', outbox_rows: 1 });
    expect(woke).toBe(true);
  });

  it('a page left open for most of its token’s lifetime is a lead, forwarded', async () => {
    const { row, woke } = await submit({ form_token: tokens.issue(Date.now() - 23 * 3_600_000) });
    expect(row).toMatchObject({ status: 'received', spam_reason: null, outbox_rows: 1 });
    expect(woke).toBe(true);
  });

  it('a human who took their time is a lead, forwarded', async () => {
    const { row, woke } = await submit({ form_token: tokens.issue(Date.now() - 90_000) });
    expect(row).toMatchObject({ status: 'received', spam_reason: null, source: 'web-form', outbox_rows: 1 });
    expect(woke).toBe(true);
  });
});
