import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { leadFormFieldNames } from '../../src/config/sections/form-field-names.ts';
import { startIntake, validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    retry_after_s?: number;
    fields?: { field: string; expected: string; got: string }[];
  };
}

const intake = useIntake();

/** Sends, then proves nothing was stored: the same row counts before and after. */
async function unchanged(send: () => Promise<Response>): Promise<{ response: Response; body: ErrorBody }> {
  const before = await intake.counts();
  const response = await send();
  const body = (await response.json()) as ErrorBody;
  expect(await intake.counts()).toEqual(before);
  return { response, body };
}

describe('POST /api/contact failure answers (nothing stored)', () => {
  it('400 names every field at fault, with what it expected and a short excerpt of what it got', async () => {
    const broken = {
      first_name: 'Ada\u0000',
      email: 'not-an-email',
      country: 'Narnia',
      phone_number: '12',
      problem_description: 'x'.repeat(6000),
      service_urgency: 'whenever',
      agree_to_terms: false,
      privacy_consent: 'no',
    };
    const { response, body } = await unchanged(() => intake.post(validLead(broken)));
    expect(response.status).toBe(400);
    expect(body.error.code).toBe('validation_failed');
    const fields = body.error.fields ?? [];
    // Each field broken, in the form's order.
    expect(fields.map((f) => f.field)).toEqual(
      leadFormFieldNames.filter((name) => Object.hasOwn(broken, name)),
    );
    expect(fields).toHaveLength(Object.keys(broken).length);
    const byField = Object.fromEntries(fields.map((f) => [f.field, f]));
    expect(byField.first_name?.got).toBe('"Ada\\u0000"');
    expect(byField.email).toMatchObject({
      got: '"not-an-email"',
      expected: expect.stringContaining('email address') as unknown,
    });
    expect(byField.service_urgency?.expected).toBe('one of emergency, urgent, soon, not-urgent');
    // Never more than a short excerpt of what was sent.
    expect(byField.problem_description?.got).toBe(`"${'x'.repeat(24)}"... (6000 characters)`);
    expect(byField.agree_to_terms?.got).toBe('false');
  });

  it('400 for a missing field, a wrong type, an unknown field and a phone number impossible for the country', async () => {
    const lead = validLead({ service_urgency: 3, colour: 'blue', country: 'US', phone_number: '+1 555' });
    delete lead.last_name;
    const { response, body } = await unchanged(() => intake.post(lead));
    expect(response.status).toBe(400);
    expect(body.error.fields).toEqual([
      { field: 'last_name', expected: expect.any(String) as unknown, got: 'nothing' },
      {
        field: 'phone_number',
        expected: expect.stringContaining('phone number') as unknown,
        got: '"+1 555"',
      },
      { field: 'service_urgency', expected: expect.any(String) as unknown, got: 'the number 3' },
      { field: 'colour', expected: expect.stringContaining('no such field') as unknown, got: '"blue"' },
    ]);
  });

  it('400 for a body that is not an object, for broken JSON and for an empty JSON body', async () => {
    for (const raw of ['[1,2]', '"text"', 'null']) {
      const { response, body } = await unchanged(() => intake.post(null, { raw }));
      expect(response.status).toBe(400);
      expect(body.error.fields?.[0]?.field).toBe('(body)');
    }
    const broken = await unchanged(() => intake.post(null, { raw: '{"email": "ada@example.com", ' }));
    expect(broken.response.status).toBe(400);
    expect(broken.body.error).toEqual({ code: 'invalid_body', message: 'the body is not valid JSON' });
    const empty = await unchanged(() => intake.post(null, { raw: '' }));
    expect(empty.response.status).toBe(400);
    expect(empty.body.error.code).toBe('invalid_body');
  });

  it('400 for a malformed Idempotency-Key', async () => {
    const { response, body } = await unchanged(() =>
      intake.post(validLead(), { headers: { 'idempotency-key': 'x'.repeat(300) } }),
    );
    expect(response.status).toBe(400);
    expect(body.error.fields?.map((f) => f.field)).toEqual(['Idempotency-Key']);
  });

  it('413 when the body is larger than the limit', async () => {
    const { response, body } = await unchanged(() =>
      intake.post(validLead({ problem_description: 'y'.repeat(40_000) })),
    );
    expect(response.status).toBe(413);
    expect(body.error).toEqual({ code: 'body_too_large', message: 'the body is larger than 32768 bytes' });
  });

  it('415 for a content type other than JSON or a urlencoded form', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'application/xml']) {
      const { response, body } = await unchanged(() =>
        intake.post(null, { raw: 'first_name=Ada', headers: { 'content-type': type } }),
      );
      expect(response.status).toBe(415);
      expect(body.error.code).toBe('unsupported_media_type');
    }
  });

  it('400 for a lone surrogate (JSON "\\ud800"), which could not be stored as sent', async () => {
    const raw = JSON.stringify(validLead({ first_name: 'Ada-marker' })).replace('Ada-marker', 'Ada\\ud800');
    const { response, body } = await unchanged(() => intake.post(undefined, { raw }));
    expect(response.status).toBe(400);
    expect(body.error.fields?.map((f) => f.field)).toEqual(['first_name']);
  });

  it('422 when an Idempotency-Key comes back with a different body', async () => {
    const key = `key-${Date.now()}`;
    const first = await intake.post(validLead(), { headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const { response, body } = await unchanged(() =>
      intake.post(validLead(), { headers: { 'idempotency-key': key } }),
    );
    expect(response.status).toBe(422);
    expect(body.error.code).toBe('idempotency_key_reused');
  });
});

describe('rate limits', () => {
  const limited = useIntake({
    config: { intake: { rateLimit: { perIpMax: 4, perEmailMax: 2, perIpWindowMs: 60_000 } } },
  });

  it('past an email’s quota a lead is still stored and forwarded, flagged for review, never refused', async () => {
    const lead = validLead();
    for (let i = 0; i < 2; i++) expect((await limited.post(lead)).status).toBe(201);
    const before = await limited.counts();
    const response = await limited.post(lead);
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    expect(await limited.counts()).toEqual({ ...before, leads: before.leads + 1, outbox: before.outbox + 1 });
    const { rows } = await limited.database.pool.query<{ review_reason: string | null }>(
      `SELECT review_reason FROM hermes_leads WHERE email = $1 ORDER BY id`,
      [lead.email],
    );
    expect(rows.map((r) => r.review_reason)).toEqual([null, null, 'over_email_limit']);
    expect(leadId).toMatch(/^HS-/);
  });

  it('429 with Retry-After once an address has used its quota, whatever it sends', async () => {
    // Three requests of this address's four were counted above (the refused one too); one more passes.
    for (let i = 0; i < 1; i++) expect((await limited.post(validLead())).status).toBe(201);
    const before = await limited.counts();
    const response = await limited.post(validLead());
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await response.json()) as ErrorBody).error.retry_after_s).toBe(retryAfter);
    expect(await limited.counts()).toEqual(before);
  });

  it('HERMES_RATE_LIMIT=off switches both limits off', async () => {
    // The switch as the environment sets it, read by the config loader (no hermes.yaml in cwd).
    const { enabled } = loadConfig({
      env: { HERMES_RATE_LIMIT: 'off' },
      cwd: mkdtempSync(join(tmpdir(), 'hermes-rate-limit-')),
    }).config.intake.rateLimit;
    const open = await startIntake({
      database: limited.database,
      config: { intake: { rateLimit: { enabled, perIpMax: 1, perEmailMax: 1 } } },
    });
    try {
      const lead = validLead();
      const before = await open.counts();
      for (let i = 0; i < 3; i++) expect((await open.post(lead)).status).toBe(201);
      // Stored and forwarded, none flagged as over the email's limit.
      expect(await open.counts()).toEqual({ ...before, leads: before.leads + 3, outbox: before.outbox + 3 });
      const { rows } = await open.database.pool.query<{ review_reason: string | null }>(
        'SELECT review_reason FROM hermes_leads WHERE email = $1',
        [lead.email],
      );
      expect(rows).toEqual([{ review_reason: null }, { review_reason: null }, { review_reason: null }]);
    } finally {
      await open.close();
    }
  });
});

describe('Idempotency-Key before the limits', () => {
  const limited = useIntake({
    config: { intake: { idempotencyTtlHours: 1, rateLimit: { perIpMax: 2, perEmailMax: 1 } } },
  });

  it('a retry of a committed lead gets its answer, never 429, even once both limits are used up', async () => {
    const lead = validLead();
    const headers = { 'idempotency-key': `retry-${Date.now()}` };
    const first = await limited.post(lead, { headers });
    expect(first.status).toBe(201);
    const { lead_id: leadId } = (await first.json()) as { lead_id: string };
    // The address's second (and last) request; the email's quota was already used by the first.
    expect((await limited.post(validLead())).status).toBe(201);
    expect((await limited.post(validLead())).status).toBe(429);

    const before = await limited.counts();
    const retry = await limited.post(lead, { headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toEqual({ lead_id: leadId });
    expect(await limited.counts()).toEqual(before);
  });

  it('a key older than idempotencyTtlHours is forgotten: a new body under it is a new lead, not a 422', async () => {
    const open = await startIntake({
      database: limited.database,
      config: { intake: { idempotencyTtlHours: 1, rateLimit: { enabled: false } } },
    });
    try {
      const key = `old-${Date.now()}`;
      const headers = { 'idempotency-key': key };
      const first = await open.post(validLead(), { headers });
      expect(first.status).toBe(201);
      const { lead_id: oldId } = (await first.json()) as { lead_id: string };
      await limited.database.pool.query(
        `UPDATE hermes_idempotency_keys SET created_at = now() - interval '2 hours' WHERE idempotency_key = $1`,
        [key],
      );
      const lead = validLead();
      const again = await open.post(lead, { headers });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBeNull();
      const { lead_id: newId } = (await again.json()) as { lead_id: string };
      expect(newId).not.toBe(oldId);
      // And the new answer is the one replayed from now on.
      const replayed = await open.post(lead, { headers });
      expect(await replayed.json()).toEqual({ lead_id: newId });
    } finally {
      await open.close();
    }
  });
});
