import { describe, expect, it } from 'vitest';
import { startIntake, validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

// The E2E gate's own lead: marked with an admin key, at the reserved address domain, stored as
// source deployment-test, counted apart from people's leads, and never a way to hide a lead.

const adminKey = 'an-admin-key-for-synthetic-leads-0123456789'; // secretlint-disable-line -- a test key
let sequence = 0;
/** An address at the reserved domain, the only one a synthetic lead may have. */
const reserved = () => `e2e-test-${String((sequence += 1))}@deployment-test.invalid`;

describe('Hermes-Synthetic', () => {
  const intake = useIntake({ config: { admin: { apiKeys: [adminKey] } } });

  const stored = async (leadId: string) => {
    const { rows } = await intake.database.pool.query<{ source: string; outbox: number }>(
      `SELECT source, (SELECT count(*)::int FROM hermes_outbox o WHERE o.lead_id = l.lead_id) AS outbox
       FROM hermes_leads l WHERE lead_id = $1`,
      [leadId],
    );
    return rows[0];
  };
  const leadsCounted = async () => {
    const text = await (await fetch(`${intake.base}/metrics`)).text();
    const value = (outcome: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`leads_received_total{outcome="${outcome}"} `));
      return Number(line?.split(' ')[1] ?? 0);
    };
    return { accepted: value('accepted'), synthetic: value('synthetic') };
  };

  it('with an admin key: stored as deployment-test, forwarded (an outbox row), counted as synthetic, not accepted', async () => {
    const before = await leadsCounted();
    const email = reserved();
    const response = await intake.post(validLead({ email }), { headers: { 'hermes-synthetic': adminKey } });
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    expect(await stored(leadId)).toEqual({ source: 'deployment-test', outbox: 1 });
    expect(await leadsCounted()).toEqual({ accepted: before.accepted, synthetic: before.synthetic + 1 });
    // The worker is woken for it as for any lead: its delivery is what the gate waits for.
    expect(intake.committed.count).toBeGreaterThan(0);
    // The key never reaches the logs.
    expect(intake.logs.join('\n')).not.toContain(adminKey);
    // No person's data: not in the export of its address.
    const exported = await fetch(`${intake.base}/api/admin/gdpr/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(((await exported.json()) as { leads: unknown[] }).leads).toEqual([]);
  });

  it("with an admin key but a person's address: an ordinary lead, so that no export can miss it", async () => {
    const response = await intake.post(validLead(), { headers: { 'hermes-synthetic': adminKey } });
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    expect(await stored(leadId)).toEqual({ source: 'api', outbox: 1 });
    expect(intake.logs.some((line) => line.includes('"synthetic_marker":"address_not_reserved"'))).toBe(true);
  });

  it('with a wrong or empty key: an ordinary lead, never refused, and a warning', async () => {
    const before = await leadsCounted();
    for (const marker of ['not-the-admin-key', '']) {
      const response = await intake.post(validLead({ email: reserved() }), {
        headers: { 'hermes-synthetic': marker },
      });
      expect(response.status).toBe(201);
      const { lead_id: leadId } = (await response.json()) as { lead_id: string };
      expect(await stored(leadId)).toEqual({ source: 'api', outbox: 1 });
    }
    expect(await leadsCounted()).toEqual({ accepted: before.accepted + 2, synthetic: before.synthetic });
    expect(intake.logs.some((line) => line.includes('"synthetic_marker":"wrong_key"'))).toBe(true);
    expect(intake.logs.join('\n')).not.toContain('not-the-admin-key');
  });
});

it('with no admin key configured, nothing can be marked synthetic', async () => {
  const intake = await startIntake();
  try {
    const response = await intake.post(validLead({ email: reserved() }), {
      headers: { 'hermes-synthetic': 'anything-at-all' },
    });
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    const { rows } = await intake.database.pool.query<{ source: string }>(
      'SELECT source FROM hermes_leads WHERE lead_id = $1',
      [leadId],
    );
    expect(rows).toEqual([{ source: 'api' }]);
  } finally {
    await intake.close();
  }
});
