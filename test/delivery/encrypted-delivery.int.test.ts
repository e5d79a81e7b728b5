import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyRing } from '../../src/leads/encryption/field-cipher.ts';
import { encryptLeadField } from '../../src/leads/encryption/lead-fields.ts';
import { developmentDataKeys } from '../support/data-keys.ts';
import { eventually, outboxCounts, testConfig } from './support/delivery-setup.ts';
import { insertLeads } from './support/insert-leads.ts';
import { useWorkerHarness } from './support/use-worker-harness.ts';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const unknownKey = keyRing([{ id: 'gone', key: randomBytes(32) }]);

describe('the delivery worker and encrypted leads', () => {
  const harness = useWorkerHarness({ secrets: [secret] });

  /** Encrypts the lead's phone number and description under `ring`, as the intake would have. */
  const encrypt = async (leadId: string, ring: typeof unknownKey): Promise<void> => {
    const { rows } = await harness.pool.query<{ phone_number: string; problem_description: string }>(
      'SELECT phone_number, problem_description FROM hermes_leads WHERE lead_id = $1',
      [leadId],
    );
    const row = rows[0];
    if (!row) throw new Error('no lead');
    await harness.pool.query(
      'UPDATE hermes_leads SET phone_number = $2, problem_description = $3 WHERE lead_id = $1',
      [
        leadId,
        encryptLeadField(ring, 'phone_number', leadId, row.phone_number),
        encryptLeadField(ring, 'problem_description', leadId, row.problem_description),
      ],
    );
  };

  it('sends the plaintext of an encrypted lead, and leaves one it cannot decrypt pending, never sent, never dead', async () => {
    const [readable, unreadable] = await insertLeads(harness.pool, 2);
    if (!readable || !unreadable) throw new Error('no leads');
    await encrypt(readable.lead_id, developmentDataKeys);
    await encrypt(unreadable.lead_id, unknownKey);
    harness.startWorker(testConfig(harness.receiver.url, { n8n: { signingSecrets: [secret] } }));
    await harness.receiver.waitForDelivered(1);
    const [got] = harness.receiver.received;
    expect(got?.body).toMatchObject({
      lead_id: readable.lead_id,
      phone_number: '+44 20 7946 0958',
      problem_description: `Our mail server was breached, please call us back: ${readable.lead_id}`,
    });
    await eventually(async () => (await outboxCounts(harness.pool)).delivered === 1, 'one delivered');
    // The other waits (leased, then claimable again) with no attempt spent: its key may come back.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(harness.receiver.received).toHaveLength(1);
    const { rows } = await harness.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM hermes_outbox WHERE lead_id = $1',
      [unreadable.lead_id],
    );
    expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);
  });

  it('probes again with another row when the half-open probe cannot decrypt its lead', async () => {
    const [readable, unreadable] = await insertLeads(harness.pool, 2);
    if (!readable || !unreadable) throw new Error('no leads');
    await encrypt(unreadable.lead_id, unknownKey);
    // Due in 3 s: not claimed before the circuit opens, but the probe's pick (the one due next)
    // once the readable lead's first attempt has failed and been put off for 5 s.
    await harness.pool.query(
      "UPDATE hermes_outbox SET next_attempt_at = now() + interval '3 seconds' WHERE lead_id = $1",
      [unreadable.lead_id],
    );
    harness.receiver.failNext(1, 'server-error');
    const { worker } = harness.startWorker(
      testConfig(harness.receiver.url, {
        n8n: { signingSecrets: [secret] },
        delivery: {
          jitter: 0,
          circuitBreaker: { failureThreshold: 1, cooldown: '100ms', maxCooldown: '100ms' },
        },
      }),
    );
    // Had the unsendable probe left the circuit half-open, nothing would be sent again: the
    // readable lead is delivered by the next probe, long before its own retry (5 s) is due.
    await harness.receiver.waitForDelivered(1, 2_500);
    expect(harness.receiver.received.map((r) => r.body)).toMatchObject([{ lead_id: readable.lead_id }]);
    expect(harness.receiver.requestCount).toBe(2);
    await eventually(() => worker.circuitState === 'closed', 'the circuit to close');
    const { rows } = await harness.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM hermes_outbox WHERE lead_id = $1',
      [unreadable.lead_id],
    );
    expect(rows).toEqual([{ status: 'pending', attempts: 0 }]);
  });
});
