import { HermesError } from '../errors/hermes-error.ts';

/**
 * A lease no longer than n8n's timeout lets a slow delivery be taken by another worker while it
 * runs (and sent twice). Checked when a worker starts, since it spans two config sections.
 */
export function checkLeaseOutlastsTimeout(leaseMs: number, timeoutMs: number): void {
  if (leaseMs > timeoutMs) return;
  throw new HermesError(
    'delivery_lease_too_short',
    `delivery.lease (${String(leaseMs)} ms) must be longer than n8n.timeoutMs (${String(timeoutMs)} ms), or a slow delivery is taken by another worker while it runs`,
  );
}
