import { describe, expect, it } from 'vitest';
import { maskPii, maskPiiDeep } from '../../src/observability/mask-pii.ts';

// A gate's report needs package names, versions and figures; it must still hold no personal data.
const report = { report: true } as const;

describe('masking a gate report', () => {
  it('keeps package versions, EXPLAIN costs and counts as they are', () => {
    for (const text of [
      'lodash@4.17.15 (GHSA-p6mc-m468-83gw)',
      '@types/node@20.19.43',
      'Seq Scan on hermes_leads  (cost=0.00..1000.00 rows=1000000 width=8) (actual time=0.010..25.500)',
      'cost=10000000000.00',
      '50000 synthetic leads in 1234567 ms',
    ]) {
      expect(maskPii(text, report)).toBe(text);
    }
  });

  it('still masks emails and phone numbers written as such', () => {
    expect(maskPii('duplicate: ada@example.com', report)).toBe('duplicate: a***@example.com');
    expect(maskPii('call +44 20 7946 0958 or (020) 7946-0958 or 020 7946 0958', report)).toBe(
      'call +44********58 or 02*******58 or 02*******58',
    );
  });

  it('masks a lead’s fields in evidence rows by their name, whatever their shape', () => {
    expect(
      maskPiiDeep(
        [
          {
            email: 'ada@example.com',
            phone_number: '2025550143',
            first_name: 'Ada',
            cnt: 2,
            lead_id: 'HS-1',
          },
        ],
        report,
      ),
    ).toEqual([
      {
        email: 'a***@example.com',
        phone_number: '20******43',
        first_name: '[redacted]',
        cnt: 2,
        lead_id: 'HS-1',
      },
    ]);
  });

  it('renders a time as its ISO string, not as {}', () => {
    const appliedAt = new Date('2026-11-27T10:00:00.000Z');
    expect(maskPiiDeep([{ version: '0031', applied_at: appliedAt }], report)).toEqual([
      { version: '0031', applied_at: '2026-11-27T10:00:00.000Z' },
    ]);
  });

  it('outside reports, a bare digit run may still be a phone (logs keep masking it)', () => {
    expect(maskPii('callback 2025550143')).toBe('callback 20******43');
  });
});
