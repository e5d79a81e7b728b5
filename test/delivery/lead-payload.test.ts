import { describe, expect, it } from 'vitest';
import type { ClaimedRow } from '../../src/delivery/claimed-row.ts';
import { leadPayload } from '../../src/delivery/lead-payload.ts';

const row: ClaimedRow = {
  outbox_id: 7,
  delivery_id: 'msg_2f1c',
  topic: 'lead.created',
  attempts: 2,
  due: true,
  lead_id: 'HS-20250101-AAAAAA',
  first_name: 'Ada',
  last_name: 'Lovelace',
  email: 'ada@example.com',
  // As intake stores it: the English name (lead-schema.ts).
  country: 'United Kingdom',
  phone_number: '+442079460958',
  problem_description: 'Our mail server was breached.',
  service_urgency: 'urgent',
  agree_to_terms: true,
  privacy_consent: true,
  gdpr_compliant: true,
  consent_at: new Date('2025-01-01T10:00:00Z'),
  privacy_policy_version: null,
  source: 'api',
  review_reason: 'over_email_limit',
  created_at: new Date('2025-01-01T10:00:01Z'),
};

describe('leadPayload', () => {
  // The body is signed and n8n workflows read it: its bytes, key order included, are the contract.
  it('is this JSON, byte for byte, key order included', () => {
    expect(JSON.stringify(leadPayload(row))).toBe(
      '{"event":"lead.created","delivery_id":"msg_2f1c","lead_id":"HS-20250101-AAAAAA",' +
        '"first_name":"Ada","last_name":"Lovelace","email":"ada@example.com",' +
        '"country":"United Kingdom","country_code":"GB",' +
        '"phone_number":"+442079460958","problem_description":"Our mail server was breached.",' +
        '"service_urgency":"urgent","agree_to_terms":true,"privacy_consent":true,"gdpr_compliant":true,' +
        '"consent_at":"2025-01-01T10:00:00.000Z","privacy_policy_version":null,"source":"api",' +
        '"synthetic":false,"review_reason":"over_email_limit","created_at":"2025-01-01T10:00:01.000Z"}',
    );
  });

  it('sends the country as its English name (as always) and its ISO code, whichever of them the row holds', () => {
    for (const country of ['United Kingdom', 'GB', 'gb', 'united kingdom']) {
      expect(leadPayload({ ...row, country })).toMatchObject({
        country: 'United Kingdom',
        country_code: 'GB',
      });
    }
    expect(leadPayload({ ...row, country: 'Côte d’Ivoire' })).toMatchObject({
      country: 'Côte d’Ivoire',
      country_code: 'CI',
    });
    // Never accepted at intake; passed on rather than lost.
    expect(leadPayload({ ...row, country: 'Atlantis' })).toMatchObject({
      country: 'Atlantis',
      country_code: 'Atlantis',
    });
  });

  it("flags a gate's synthetic lead (source deployment-test) so that a workflow can drop it", () => {
    expect(leadPayload({ ...row, source: 'deployment-test' })).toMatchObject({
      source: 'deployment-test',
      synthetic: true,
    });
    expect(leadPayload({ ...row, source: 'web-form' }).synthetic).toBe(false);
  });

  it('carries no outbox bookkeeping and nothing the row holds beyond the forwarded columns', () => {
    const extra = { ...row, status: 'received', spam_reason: null } as ClaimedRow;
    const keys = Object.keys(leadPayload(extra));
    expect(keys).not.toContain('outbox_id');
    expect(keys).not.toContain('attempts');
    expect(keys).not.toContain('due');
    expect(keys).not.toContain('status');
    expect(keys).not.toContain('spam_reason');
  });
});
