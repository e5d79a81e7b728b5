import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';

// Issue 13 item 4 over HTTP: `dry_run` on the replay and retention routes changes nothing; the
// replay route keeps the CLI's rule (never an erased lead, delivered ones only when asked).
const key = 'an-admin-key-of-forty-characters-0123456';
let intake: IntakeUnderTest;

beforeAll(async () => {
  intake = await startIntake({
    config: { admin: { apiKeys: [key] }, intake: { rateLimit: { enabled: false } } },
  });
});
afterAll(async () => {
  await intake.close();
});

function admin(path: string, body: unknown) {
  return fetch(`${intake.base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function submit(email: string): Promise<string> {
  const response = await intake.post(validLead({ email }));
  expect(response.status).toBe(201);
  return ((await response.json()) as { lead_id: string }).lead_id;
}

const query = <R extends Record<string, unknown>>(sql: string, values: unknown[] = []) =>
  intake.database.pool.query<R>(sql, values).then((r) => r.rows);
const leads = () =>
  query('SELECT lead_id, status, first_name, created_at FROM hermes_leads ORDER BY lead_id');
const outbox = () =>
  query(
    'SELECT lead_id, status, attempts, replay_count, next_attempt_at FROM hermes_outbox ORDER BY lead_id',
  );
const lastAudit = async () =>
  (
    await query<{ action: string; outcome: string; details: Record<string, unknown> }>(
      'SELECT action, outcome, details FROM hermes_ops.audit_log ORDER BY id DESC LIMIT 1',
    )
  )[0];

describe('admin API: replay', () => {
  let dead: string;
  let delivered: string;
  let erased: string;

  beforeAll(async () => {
    dead = await submit('dead@example.com');
    delivered = await submit('delivered@example.com');
    erased = await submit('erased@example.com');
    await query("UPDATE hermes_outbox SET status = 'dead', dead_at = now() WHERE lead_id = ANY($1)", [
      [dead, erased],
    ]);
    await query("UPDATE hermes_outbox SET status = 'delivered', delivered_at = now() WHERE lead_id = $1", [
      delivered,
    ]);
    expect((await admin('/api/admin/gdpr/erase', { email: 'erased@example.com' })).status).toBe(200);
  });

  it('dry_run answers the plan, audited as deliveries.replay.plan, and changes nothing', async () => {
    const before = await outbox();
    const response = await admin('/api/admin/deliveries/replay', { since: '1h', dry_run: true });
    expect(response.status).toBe(200);
    const plan = (await response.json()) as Record<string, unknown>;
    expect(plan).toEqual({
      dry_run: true,
      would_replay: [{ lead_id: dead, delivery_id: expect.any(String) as unknown }],
      by_status: { pending: 0, failed: 0, dead: 1, delivered: 0 },
      skipped: expect.arrayContaining([
        { lead_id: erased, reason: 'erased' },
        { lead_id: delivered, reason: 'delivered' },
      ]) as unknown,
      in_flight: [],
    });
    expect(await lastAudit()).toMatchObject({
      action: 'deliveries.replay.plan',
      outcome: 'ok',
      details: { would_replay: 1, skipped: 2, include_delivered: false },
    });
    const included = await admin('/api/admin/deliveries/replay', {
      since: '1h',
      include_delivered: true,
      dry_run: true,
    });
    expect(((await included.json()) as { would_replay: { lead_id: string }[] }).would_replay).toHaveLength(2);
    expect(await outbox()).toEqual(before);
  });

  it('refuses an erased lead by id (409 replay_refused naming it), and a delivered one without include_delivered', async () => {
    const before = await outbox();
    const refused = await admin('/api/admin/deliveries/replay', { lead_ids: [dead, erased] });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: {
        code: 'replay_refused',
        message: 'some lead ids may not be sent again; nothing was replayed',
        details: [`${erased}: erased: the lead's data is gone, a replay would forward placeholders`],
      },
    });
    const notIncluded = await admin('/api/admin/deliveries/replay', { lead_ids: [delivered] });
    expect(notIncluded.status).toBe(409);
    const contradiction = await admin('/api/admin/deliveries/replay', {
      dead: true,
      include_delivered: true,
    });
    expect(contradiction.status).toBe(400);
    expect(await outbox()).toEqual(before);
  });

  it('replays the delivered lead with include_delivered, no question asked (the key is the consent)', async () => {
    const response = await admin('/api/admin/deliveries/replay', {
      lead_ids: [delivered],
      include_delivered: true,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      dry_run: false,
      replayed: [{ lead_id: delivered }],
      by_status: { delivered: 1 },
    });
    const rows = await query('SELECT status, replay_count FROM hermes_outbox WHERE lead_id = $1', [
      delivered,
    ]);
    expect(rows).toEqual([{ status: 'pending', replay_count: 1 }]);
  });
});

describe('admin API: retention', () => {
  it('dry_run answers the count a run would anonymise, audited as retention.plan, and changes nothing', async () => {
    const old = await submit('old@example.com');
    await query(`UPDATE hermes_leads SET created_at = now() - interval '400 days' WHERE lead_id = $1`, [old]);
    const before = await leads();
    const response = await admin('/api/admin/retention', { older_than_days: 365, dry_run: true });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ older_than_days: 365, would_anonymise: 1 });
    expect(await leads()).toEqual(before);
    expect(await lastAudit()).toMatchObject({
      action: 'retention.plan',
      outcome: 'ok',
      details: { older_than_days: 365, would_anonymise: 1 },
    });
    const bad = await admin('/api/admin/retention', { dry_run: 'yes' });
    expect(bad.status).toBe(400);

    const run = await admin('/api/admin/retention', { older_than_days: 365 });
    expect(await run.json()).toMatchObject({ anonymised: 1, lead_ids: [old] });
  });
});
