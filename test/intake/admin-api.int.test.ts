import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';

const key = 'an-admin-key-of-forty-characters-0123456';
let intake: IntakeUnderTest;

beforeAll(async () => {
  intake = await startIntake({
    config: {
      admin: { apiKeys: ['another-key-that-is-long-enough', key] },
      intake: { rateLimit: { enabled: false } },
    },
  });
});
afterAll(async () => {
  await intake.close();
});

function admin(path: string, body?: unknown, bearer: string | null = key) {
  return fetch(`${intake.base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function audit() {
  const { rows } = await intake.database.pool.query<{
    actor: string;
    action: string;
    subject: string | null;
    outcome: string;
    details: Record<string, unknown>;
  }>('SELECT actor, action, subject, outcome, details FROM hermes_ops.audit_log ORDER BY id');
  return rows;
}

async function submit(overrides: Record<string, unknown> = {}): Promise<string> {
  const response = await intake.post(validLead(overrides));
  expect(response.status).toBe(201);
  return ((await response.json()) as { lead_id: string }).lead_id;
}

describe('admin API', () => {
  it('401 and nothing else without a valid key; refusals counted per client, not audited one by one', async () => {
    const leadId = await submit();
    const auditBefore = (await audit()).length;
    for (const bearer of [null, 'wrong-key-wrong-key-wrong', `${key}x`]) {
      const response = await admin(`/api/admin/leads/${leadId}`, undefined, bearer);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({
        error: {
          code: 'unauthorized',
          message: 'a valid admin API key is required (Authorization: Bearer <key>)',
        },
      });
      expect(text).not.toContain(leadId);
    }
    const erase = await admin('/api/admin/gdpr/erase', { email: 'x@example.com' }, 'nope-nope-nope-nope');
    expect(erase.status).toBe(401);
    expect(await audit()).toHaveLength(auditBefore);
    const { rows } = await intake.database.pool.query<{ client: string; attempts: number }>(
      'SELECT client, attempts::int AS attempts FROM hermes_ops.admin_refusals',
    );
    expect(rows).toEqual([{ client: '127.0.0.1', attempts: 4 }]);
  });

  it('looks a lead up by reference, audited with the key’s fingerprint', async () => {
    const leadId = await submit({ first_name: 'Grace', problem_description: 'A moth in relay 70.' });
    const response = await admin(`/api/admin/leads/${leadId}`);
    expect(response.status).toBe(200);
    // Stored encrypted, shown decrypted.
    expect(((await response.json()) as { lead: Record<string, unknown> }).lead).toMatchObject({
      lead_id: leadId,
      first_name: 'Grace',
      problem_description: 'A moth in relay 70.',
      phone_number: '+442079460958',
    });
    const stored = await intake.database.pool.query<{ problem_description: string }>(
      'SELECT problem_description FROM hermes_leads WHERE lead_id = $1',
      [leadId],
    );
    expect(stored.rows[0]?.problem_description).toMatch(/^hermes:enc:v1:dev:/);
    expect((await admin('/api/admin/leads/HS-20000101-000000')).status).toBe(404);
    expect((await admin('/api/admin/leads/not-a-ref')).status).toBe(400);
    const entries = await audit();
    expect(entries.at(-2)).toMatchObject({
      action: 'lead.show',
      subject: leadId,
      outcome: 'ok',
      actor: expect.stringMatching(/^key:[0-9a-f]{12}$/) as unknown,
    });
    expect(entries.at(-1)).toMatchObject({
      action: 'lead.show',
      subject: 'HS-20000101-000000',
      outcome: 'not_found',
    });
  });

  it('exports all data for an email, then erases it: personal fields anonymised, rows and trail kept, no PII in the trail', async () => {
    const email = `erase.me.${Date.now()}@example.com`;
    const ids = [await submit({ email }), await submit({ email: email.toUpperCase() })];
    const other = await submit();

    const exported = await admin('/api/admin/gdpr/export', { email });
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as {
      leads: { lead_id: string }[];
      deliveries: { lead_id: string; status: string }[];
    };
    expect(data.leads.map((l) => l.lead_id).sort()).toEqual([...ids].sort());
    expect(data.deliveries).toHaveLength(2);

    const erased = await admin('/api/admin/gdpr/erase', { email });
    expect(erased.status).toBe(200);
    expect(await erased.json()).toEqual({ erased: 2, lead_ids: [...ids].sort() });

    const { rows } = await intake.database.pool.query<Record<string, unknown>>(
      `SELECT l.lead_id, l.first_name, l.last_name, l.email, l.phone_number, l.problem_description, l.status, l.erased_at IS NOT NULL AS erased,
              (SELECT status FROM hermes_outbox o WHERE o.lead_id = l.lead_id) AS delivery
       FROM hermes_leads l WHERE lead_id = ANY($1) ORDER BY lead_id`,
      [[...ids, other]],
    );
    // Rows kept: all three are still there (a loop over none would prove nothing).
    expect(rows.map((r) => r.lead_id).sort()).toEqual([...ids, other].sort());
    for (const row of rows.filter((r) => ids.includes(String(r.lead_id)))) {
      expect(row).toMatchObject({
        first_name: '[erased]',
        last_name: '[erased]',
        phone_number: '',
        problem_description: '',
        status: 'erased',
        erased: true,
        delivery: 'dead',
      });
      expect(String(row.email)).toMatch(/@erased\.invalid$/);
    }
    expect(rows.find((r) => r.lead_id === other)).toMatchObject({ status: 'received', delivery: 'pending' });

    const again = await admin('/api/admin/gdpr/export', { email });
    expect(((await again.json()) as { leads: unknown[] }).leads).toEqual([]);

    const trail = await audit();
    expect(JSON.stringify(trail)).not.toContain(email.split('@')[0]);
    expect(trail.filter((e) => e.action === 'gdpr.erase').at(-1)).toMatchObject({
      outcome: 'ok',
      subject: expect.stringMatching(/^email-sha256:[0-9a-f]{64}$/) as unknown,
      details: { lead_ids: [...ids].sort() },
    });
  });

  it('400 with the field for a bad body, and nothing erased', async () => {
    const leadId = await submit();
    const leads = async () =>
      (
        await intake.database.pool.query<{ lead_id: string; status: string; first_name: string }>(
          'SELECT lead_id, status, first_name FROM hermes_leads ORDER BY lead_id',
        )
      ).rows;
    const before = await leads();
    expect(before).toContainEqual({ lead_id: leadId, status: 'received', first_name: 'Ada' });
    const response = await admin('/api/admin/gdpr/erase', { email: 'nope' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'validation_failed', fields: [{ field: 'email', got: '"nope"' }] },
    });
    expect(await leads()).toEqual(before);
  });

  it('retention anonymises leads older than the given age only', async () => {
    const old = await submit();
    const recent = await submit();
    await intake.database.pool.query(
      `UPDATE hermes_leads SET created_at = now() - interval '40 days' WHERE lead_id = $1`,
      [old],
    );
    const response = await admin('/api/admin/retention', { older_than_days: 30 });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { anonymised: number; lead_ids: string[] };
    expect(body.lead_ids).toEqual([old]);
    const { rows } = await intake.database.pool.query<{ lead_id: string; status: string }>(
      'SELECT lead_id, status FROM hermes_leads WHERE lead_id = ANY($1) ORDER BY created_at',
      [[old, recent]],
    );
    expect(rows).toEqual([
      { lead_id: old, status: 'erased' },
      { lead_id: recent, status: 'received' },
    ]);
  });
});
