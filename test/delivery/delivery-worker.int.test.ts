import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { insertLeads } from './support/insert-leads.ts';
import { eventually, outboxCounts, testConfig } from './support/delivery-setup.ts';
import { useWorkerHarness } from './support/use-worker-harness.ts';

const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const secret = newSecret();

describe('the delivery worker against an n8n-like receiver', () => {
  const harness = useWorkerHarness({ secrets: [secret] });
  const start = (overrides: Parameters<typeof testConfig>[1] = {}) =>
    harness.startWorker(
      testConfig(harness.receiver.url, {
        ...overrides,
        n8n: { signingSecrets: [secret], ...overrides.n8n },
      }),
    );

  it('delivers a committed lead, signed, with every field and a stable delivery id', async () => {
    start();
    const [lead] = await insertLeads(harness.pool, 1);
    await harness.receiver.waitForDelivered(1);
    const [got] = harness.receiver.received;
    expect(got?.signatureValid).toBe(true);
    expect(got?.id).toBe(lead?.delivery_id);
    expect(got?.headers['content-type']).toBe('application/json');
    expect(got?.body).toEqual({
      event: 'lead.created',
      delivery_id: lead?.delivery_id,
      lead_id: lead?.lead_id,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: `${lead?.lead_id.toLowerCase() ?? ''}@example.com`,
      country: 'United Kingdom',
      country_code: 'GB',
      phone_number: '+44 20 7946 0958',
      problem_description: `Our mail server was breached, please call us back: ${lead?.lead_id ?? ''}`,
      service_urgency: 'urgent',
      agree_to_terms: true,
      privacy_consent: true,
      gdpr_compliant: true,
      consent_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      privacy_policy_version: '2025-01',
      source: 'api',
      synthetic: false,
      review_reason: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
    });
    await eventually(
      async () => (await outboxCounts(harness.pool)).delivered === 1,
      'the row marked delivered',
    );
    const { rows } = await harness.pool.query<{
      attempt: number;
      status_code: number;
      outcome: string;
      result: string;
    }>('SELECT attempt, status_code, outcome, result FROM hermes_deliveries');
    expect(rows).toEqual([{ attempt: 1, status_code: 200, outcome: 'delivered', result: 'delivered' }]);
  });

  it('signs with every configured secret, so a receiver holding either one verifies during a rotation', async () => {
    const next = newSecret();
    await harness.replaceReceiver({ secrets: [next] });
    start({ n8n: { signingSecrets: [secret, next] } });
    await insertLeads(harness.pool, 1);
    await harness.receiver.waitForDelivered(1);
    expect(harness.receiver.received[0]?.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(harness.receiver.received[0]?.signatureValid).toBe(true);
    // And a receiver still holding the old secret verifies the same request (the body is compact
    // JSON, so serialising it again gives the bytes that were signed).
    const [got] = harness.receiver.received;
    const headers = {
      'webhook-id': String(got?.headers['webhook-id']),
      'webhook-timestamp': String(got?.headers['webhook-timestamp']),
      'webhook-signature': String(got?.headers['webhook-signature']),
    };
    expect(() => new Webhook(secret).verify(JSON.stringify(got?.body), headers)).not.toThrow();
    expect(() => new Webhook(newSecret()).verify(JSON.stringify(got?.body), headers)).toThrow();
  });

  it(
    'delivers all 500 leads committed while n8n was down once it is back, none dead',
    { timeout: 120_000 },
    async () => {
      await harness.receiver.stop();
      const { worker } = start();
      const leads = await insertLeads(harness.pool, 500);
      await eventually(() => worker.circuitState !== 'closed', 'the circuit to open');
      await harness.receiver.start();
      await harness.receiver.waitForDelivered(500, 100_000);
      expect(harness.receiver.deliveredIds()).toEqual(new Set(leads.map((l) => l.delivery_id)));
      expect(harness.receiver.received.every((r) => r.signatureValid)).toBe(true);
      await eventually(
        async () => (await outboxCounts(harness.pool)).delivered === 500,
        'every row marked delivered',
      );
      expect(await outboxCounts(harness.pool)).toEqual({ delivered: 500 });
      const { rows } = await harness.pool.query<{ outcome: string }>(
        "SELECT DISTINCT outcome FROM hermes_deliveries WHERE result <> 'delivered'",
      );
      expect(rows.map((r) => r.outcome)).toEqual(['connection_error']);
    },
  );

  it('reports a wrong Header Auth credential as auth_rejected, and sends the right one', async () => {
    const value = randomBytes(16).toString('hex');
    await harness.replaceReceiver({ secrets: [secret], requireHeader: { name: 'X-Hermes-Key', value } });
    const { worker } = start({
      n8n: { headerAuth: { name: 'X-Hermes-Key', secret: 'wrong-value' } },
      delivery: { circuitBreaker: { failureThreshold: 1 } },
    });
    await insertLeads(harness.pool, 1);
    await eventually(() => worker.circuitState !== 'closed', 'the circuit to open');
    await harness.stopWorker();
    const { rows } = await harness.pool.query<{ status_code: number; outcome: string }>(
      'SELECT status_code, outcome FROM hermes_deliveries',
    );
    expect(rows).toEqual([{ status_code: 403, outcome: 'auth_rejected' }]);

    start({
      n8n: { headerAuth: { name: 'X-Hermes-Key', secret: value } },
      delivery: { retrySchedule: ['10ms'] },
    });
    await harness.receiver.waitForDelivered(1);
    expect(harness.receiver.received[0]?.headers['x-hermes-key']).toBe(value);
  });

  it('retries 500s, timeouts and dropped connections, then delivers; every attempt is recorded', async () => {
    harness.receiver.failNext(2, 'server-error');
    harness.receiver.failNext(1, 'timeout');
    harness.receiver.failNext(1, 'drop');
    start({
      n8n: { timeoutMs: 300 },
      delivery: { retrySchedule: ['50ms', '50ms', '50ms', '50ms', '50ms'], jitter: 0, lease: '5s' },
    });
    const [lead] = await insertLeads(harness.pool, 1);
    await harness.receiver.waitForDelivered(1);
    await eventually(
      async () => (await outboxCounts(harness.pool)).delivered === 1,
      'the row marked delivered',
    );
    const { rows } = await harness.pool.query<{
      attempt: number;
      status_code: number | null;
      outcome: string;
      result: string;
      response_excerpt: string | null;
    }>(
      'SELECT attempt, status_code, outcome, result, response_excerpt FROM hermes_deliveries ORDER BY attempt',
    );
    expect(rows.map(({ response_excerpt: _, ...r }) => r)).toEqual([
      { attempt: 1, status_code: 500, outcome: 'server_error', result: 'retry' },
      { attempt: 2, status_code: 500, outcome: 'server_error', result: 'retry' },
      { attempt: 3, status_code: null, outcome: 'timeout', result: 'retry' },
      { attempt: 4, status_code: null, outcome: 'connection_error', result: 'retry' },
      { attempt: 5, status_code: 200, outcome: 'delivered', result: 'delivered' },
    ]);
    expect(rows[0]?.response_excerpt).toContain('There was a problem executing the workflow');
    expect(new Set(harness.receiver.received.map((r) => r.id))).toEqual(new Set([lead?.delivery_id]));
  });

  it('dead-letters after the last retry of the schedule', async () => {
    harness.receiver.setMode('server-error');
    start({
      delivery: { retrySchedule: ['20ms', '20ms'], jitter: 0, circuitBreaker: { failureThreshold: 100 } },
    });
    await insertLeads(harness.pool, 1);
    await eventually(async () => (await outboxCounts(harness.pool)).dead === 1, 'the row to go dead');
    const { rows } = await harness.pool.query<{ result: string }>(
      'SELECT result FROM hermes_deliveries ORDER BY attempt',
    );
    expect(rows.map((r) => r.result)).toEqual(['retry', 'retry', 'dead']);
  });

  it('sends a 413 to the dead letter at once', async () => {
    harness.receiver.failNext(1, 'payload-too-large');
    const { registry } = start();
    await insertLeads(harness.pool, 1);
    await eventually(async () => (await outboxCounts(harness.pool)).dead === 1, 'the row to go dead');
    const { rows } = await harness.pool.query<{ status_code: number; outcome: string; result: string }>(
      'SELECT status_code, outcome, result FROM hermes_deliveries',
    );
    expect(rows).toEqual([{ status_code: 413, outcome: 'payload_too_large', result: 'dead' }]);
    const text = await registry.metrics();
    expect(text).toMatch(/^deliveries_dead_total 1$/m);
    expect(text).toMatch(/^deliveries_total\{outcome="payload_too_large"\} 1$/m);
  });

  it('releases the whole backlog at once when a probe succeeds, not at each row’s next retry', async () => {
    harness.receiver.setMode('server-error');
    const { worker } = start({ delivery: { retrySchedule: ['1h'], jitter: 0 } });
    await insertLeads(harness.pool, 20);
    await eventually(() => worker.circuitState !== 'closed', 'the circuit to open');
    // The breaker opens before the failures that opened it are written (group commit): poll.
    const waiting = async () =>
      (
        await harness.pool.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM hermes_outbox WHERE next_attempt_at > now() + interval '30 minutes'",
        )
      ).rows[0]?.waiting ?? 0;
    await eventually(async () => (await waiting()) >= 5, 'the failed rows to wait for their retry in 1h');
    harness.receiver.setMode('ok');
    await harness.receiver.waitForDelivered(20);
    await eventually(
      async () => (await outboxCounts(harness.pool)).delivered === 20,
      'every row marked delivered',
    );
    expect(worker.circuitState).toBe('closed');
  });

  it('keeps a probe on a row that is not due from using up its schedule', async () => {
    harness.receiver.setMode('server-error');
    const { worker } = start({
      delivery: {
        retrySchedule: ['1h'],
        jitter: 0,
        circuitBreaker: { failureThreshold: 1, cooldown: '20ms', maxCooldown: '20ms' },
      },
    });
    await insertLeads(harness.pool, 1);
    await eventually(() => worker.circuitState !== 'closed', 'the circuit to open');
    await harness.receiver.waitForRequests(4);
    const { rows } = await harness.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM hermes_outbox',
    );
    expect(rows).toEqual([{ status: 'pending', attempts: 1 }]);
    const probes = await harness.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM hermes_deliveries WHERE probe AND result = 'probe_failed'",
    );
    expect(probes.rows[0]?.n).toBeGreaterThanOrEqual(2);
  });
});
