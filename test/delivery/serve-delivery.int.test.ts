import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validLead } from '../intake/support/start-intake.ts';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { eventually } from './support/delivery-setup.ts';
import { serveHermes, type ServingHermes } from './support/spawn-worker.ts';

interface HealthBody {
  status: string;
  reasons?: string[];
  last_success_at: string | null;
  backlog: { pending: number; dead: number };
}

describe('hermes serve delivers what POST /api/contact commits', () => {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const adminKey = randomBytes(24).toString('hex');
  const db = useTestDatabase();
  let receiver: N8nReceiver;
  let serve: ServingHermes;
  const admin = { authorization: `Bearer ${adminKey}` };

  beforeAll(async () => {
    receiver = await startN8nReceiver({ secrets: [secret] });
    serve = await serveHermes({
      DATABASE_URL: db.url,
      HERMES_N8N_WEBHOOK_URL: receiver.url,
      HERMES_N8N_SIGNING_SECRET: secret,
      HERMES_ADMIN_API_KEYS: adminKey,
      HERMES_MIN_FILL_MS: '0',
      HERMES_RATE_LIMIT: 'off',
    });
  }, 60_000);
  afterAll(async () => {
    serve.child.kill('SIGTERM');
    await serve.exited;
    await receiver.close();
  });

  const post = async (body: unknown) => {
    const response = await fetch(`${serve.base}/api/contact`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { lead_id: string }).lead_id;
  };
  const health = async () => {
    const response = await fetch(`${serve.base}/health/n8n`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  };

  it('a lead posted to /api/contact reaches n8n signed, with every field', async () => {
    const lead = validLead();
    const leadId = await post(lead);
    await receiver.waitForDelivered(1);
    const [got] = receiver.received;
    expect(got?.signatureValid).toBe(true);
    expect(got?.body).toMatchObject({
      event: 'lead.created',
      delivery_id: got?.id,
      lead_id: leadId,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: lead.email,
      // Stored as its name (validLead sends GB), sent as both.
      country: 'United Kingdom',
      country_code: 'GB',
      phone_number: '+442079460958',
      problem_description: lead.problem_description,
      service_urgency: 'urgent',
      agree_to_terms: true,
      privacy_consent: true,
      gdpr_compliant: true,
      source: 'api',
    });
    await eventually(async () => (await health()).body.last_success_at !== null, 'the delivery recorded');
    const { status, body } = await health();
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', backlog: { pending: 0, dead: 0 } });
  });

  it('reports an inactive workflow (404) on /health/n8n and in /metrics; a replay delivers with the same id', async () => {
    receiver.setMode('not-registered');
    const requests = receiver.requestCount;
    const leadId = await post(validLead());
    await receiver.waitForRequests(requests + 1);
    await eventually(async () => (await health()).status === 503, '/health/n8n to answer 503');
    const { body } = await health();
    expect(body.reasons).toContainEqual(expect.stringContaining('webhook is not registered'));
    const metrics = await (await fetch(`${serve.base}/metrics`)).text();
    expect(metrics).toMatch(/^deliveries_total\{outcome="webhook_not_registered"\} [1-9]/m);
    expect(metrics).toMatch(/^outbox_pending 1$/m);

    const unauthorized = await fetch(`${serve.base}/api/admin/deliveries`);
    expect(unauthorized.status).toBe(401);
    const failed = await fetch(`${serve.base}/api/admin/deliveries?status=failed`, { headers: admin });
    const list = (await failed.json()) as {
      deliveries: { lead_id: string; last_status_code: number; delivery_id: string }[];
    };
    expect(list.deliveries).toEqual([expect.objectContaining({ lead_id: leadId, last_status_code: 404 })]);
    const deliveryId = list.deliveries[0]?.delivery_id;

    const shown = await fetch(`${serve.base}/api/admin/deliveries/${leadId}`, { headers: admin });
    const { delivery } = (await shown.json()) as {
      delivery: { attempts_log: { status_code: number; outcome: string }[] };
    };
    expect(delivery.attempts_log[0]).toMatchObject({ status_code: 404, outcome: 'webhook_not_registered' });

    receiver.setMode('ok');
    const replayed = await fetch(`${serve.base}/api/admin/deliveries/replay`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ lead_ids: [leadId] }),
    });
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({
      dry_run: false,
      replayed: [{ lead_id: leadId, delivery_id: deliveryId }],
      skipped: [],
      in_flight: [],
    });
    await receiver.waitForDelivered(2);
    expect(receiver.received.at(-1)?.id).toBe(deliveryId);
    await eventually(async () => (await health()).status === 200, '/health/n8n to answer 200 again');
  });

  it('rejects a bad replay with the field at fault and replays nothing', async () => {
    const outbox = async () =>
      (
        await db.pool.query<Record<string, unknown>>(
          'SELECT lead_id, status, attempts, replay_count, next_attempt_at FROM hermes_outbox ORDER BY lead_id',
        )
      ).rows;
    const before = await outbox();
    // The two leads of the tests above: a refused replay below must leave both rows as they are.
    expect(before).toHaveLength(2);
    const bad = await fetch(`${serve.base}/api/admin/deliveries/replay`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ since: 'last tuesday' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: 'validation_failed', fields: [{ field: 'since', got: expect.any(String) as unknown }] },
    });
    const unknown = await fetch(`${serve.base}/api/admin/deliveries/replay`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ lead_ids: ['HS-20250101-ZZZZZZ'] }),
    });
    expect(unknown.status).toBe(404);
    expect(await outbox()).toEqual(before);
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hermes_outbox WHERE replay_count > 1',
    );
    expect(rows[0]?.n).toBe(0);
  });
});
