import { describe, expect, it } from 'vitest';
import { countByStatus, decideReplay } from '../../src/delivery/decide-replay.ts';
import type { DeliveryStatus } from '../../src/delivery/delivery-status.ts';
import type { ReplayCandidate } from '../../src/delivery/sql/find-replay-candidates.ts';

const row = (
  lead_id: string,
  status: DeliveryStatus,
  over: Partial<Pick<ReplayCandidate, 'erased' | 'in_flight'>> = {},
): ReplayCandidate => ({
  lead_id,
  delivery_id: `msg_${lead_id}`,
  status,
  erased: false,
  in_flight: false,
  ...over,
});

const rows = [
  row('dead', 'dead'),
  row('delivered', 'delivered'),
  row('erased', 'dead', { erased: true }),
  row('erased-delivered', 'delivered', { erased: true }),
  row('failed', 'failed'),
  row('leased', 'pending', { in_flight: true }),
];
const ids = (list: readonly { lead_id: string }[]) => list.map((r) => r.lead_id);

describe('decideReplay: one rule for the CLI and the admin API', () => {
  it('a selection skips erased leads, and delivered ones without includeDelivered', () => {
    const decision = decideReplay(rows, { byLeadId: false, includeDelivered: false });
    expect(ids(decision.replay)).toEqual(['dead', 'failed']);
    expect(decision.skipped).toEqual([
      { lead_id: 'delivered', reason: 'delivered' },
      { lead_id: 'erased', reason: 'erased' },
      { lead_id: 'erased-delivered', reason: 'erased' },
    ]);
    expect(decision.refused).toEqual([]);
    expect(decision.inFlight).toEqual(['leased']);
  });

  it('includeDelivered sends delivered ones again, never an erased one', () => {
    const decision = decideReplay(rows, { byLeadId: false, includeDelivered: true });
    expect(ids(decision.replay)).toEqual(['dead', 'delivered', 'failed']);
    expect(ids(decision.skipped)).toEqual(['erased', 'erased-delivered']);
  });

  it('lead ids that may not be sent again are a refusal, not a skip', () => {
    const decision = decideReplay(rows, { byLeadId: true, includeDelivered: false });
    expect(decision.skipped).toEqual([]);
    expect(ids(decision.refused)).toEqual(['delivered', 'erased', 'erased-delivered']);
    const included = decideReplay(rows, { byLeadId: true, includeDelivered: true });
    expect(ids(included.refused)).toEqual(['erased', 'erased-delivered']);
  });

  it('counts by status, every status present', () => {
    expect(countByStatus(rows)).toEqual({ pending: 1, failed: 1, dead: 2, delivered: 2 });
    expect(countByStatus([])).toEqual({ pending: 0, failed: 0, dead: 0, delivered: 0 });
  });
});
