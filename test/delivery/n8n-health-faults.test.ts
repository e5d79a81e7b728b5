import { describe, expect, it } from 'vitest';
import { deliveryFaults } from '../../src/delivery/check-n8n-health.ts';
import type { DeliveryHealthFacts } from '../../src/delivery/sql/delivery-health-facts.ts';
import type { OutboxBacklog } from '../../src/delivery/sql/outbox-backlog.ts';

describe('what /health/n8n reads in the deliveries and the backlog', () => {
  const limits = { maxConsecutiveFailures: 5, maxOldestPendingAge: 900_000 };
  const fine: DeliveryHealthFacts = {
    last_success_at: new Date(),
    consecutive_failures: 0,
    last_failure_at: null,
    last_failure_outcome: null,
    last_failure_status: null,
  };
  const failing = (outcome: DeliveryHealthFacts['last_failure_outcome'], n: number): DeliveryHealthFacts => ({
    ...fine,
    consecutive_failures: n,
    last_failure_at: new Date(),
    last_failure_outcome: outcome,
  });
  const backlog = (ageS: number): OutboxBacklog => ({ pending: 3, oldest_pending_age_s: ageS, dead: 0 });

  it('finds nothing wrong when deliveries succeed and no lead waits too long', () => {
    expect(deliveryFaults(fine, backlog(900), limits)).toEqual([]);
    expect(deliveryFaults(undefined, undefined, limits)).toEqual([]);
  });

  it('reports a 404 or 401/403 at once: a configuration fault no retry will fix', () => {
    expect(deliveryFaults(failing('webhook_not_registered', 1), undefined, limits)).toEqual([
      expect.stringContaining('404'),
    ]);
    expect(deliveryFaults(failing('auth_rejected', 1), undefined, limits)).toEqual([
      expect.stringContaining('401/403'),
    ]);
  });

  it('reports other failures only after too many in a row', () => {
    expect(deliveryFaults(failing('server_error', 4), undefined, limits)).toEqual([]);
    expect(deliveryFaults(failing('server_error', 5), undefined, limits)).toEqual([
      expect.stringMatching(/^5 deliveries in a row failed; the last: n8n answers 5xx/),
    ]);
  });

  it('reports a lead that waited longer than the limit', () => {
    expect(deliveryFaults(fine, backlog(900.4), limits)).toEqual([
      'backlog: the oldest pending lead has waited 900 s (limit 900 s)',
    ]);
  });
});
