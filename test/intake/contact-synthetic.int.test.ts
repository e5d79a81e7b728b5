import { describe, expect, it } from 'vitest';
import { startIntake, validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

// The E2E gate's own lead: marked with an admin key, stored as source deployment-test, counted
// apart from people's leads, and never a way for anyone else to hide a lead.

const adminKey = 'an-admin-key-for-synthetic-leads-0123456789'; // secretlint-disable-line -- a test key

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
    const response = await intake.post(validLead(), { headers: { 'hermes-synthetic': adminKey } });
    expect(response.status).toBe(201);
    const { lead_id: leadId } = (await response.json()) as { lead_id: string };
    expect(await stored(leadId)).toEqual({ source: 'deployment-test', outbox: 1 });
    expect(await leadsCounted()).toEqual({ accepted: before.accepted, synthetic: before.synthetic + 1 });
    // The worker is woken for it as for any lead: its delivery is what the gate waits for.
    expect(intake.committed.count).toBeGreaterThan(0);
    // The key never reaches the logs.
    expect(intake.logs.join('\n')).not.toContain(adminKey);
  });

  it('with a wrong or empty key: an ordinary lead, never refused, and a warning', async () => {
    const before = await leadsCounted();
    for (const marker of ['not-the-admin-key', '']) {
      const response = await intake.post(validLead(), { headers: { 'hermes-synthetic': marker } });
      expect(response.status).toBe(201);
      const { lead_id: leadId } = (await response.json()) as { lead_id: string };
      expect(await stored(leadId)).toEqual({ source: 'api', outbox: 1 });
    }
    expect(await leadsCounted()).toEqual({ accepted: before.accepted + 2, synthetic: before.synthetic });
    expect(
      intake.logs.some((line) => line.includes('Hermes-Synthetic header without a valid admin key')),
    ).toBe(true);
    expect(intake.logs.join('\n')).not.toContain('not-the-admin-key');
  });
});

it('with no admin key configured, nothing can be marked synthetic', async () => {
  const intake = await startIntake();
  try {
    const response = await intake.post(validLead(), { headers: { 'hermes-synthetic': 'anything-at-all' } });
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
