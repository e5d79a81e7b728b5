import type { Queryable } from '../db/queryable.ts';
import { HermesError } from '../errors/hermes-error.ts';
import { leadIdPattern } from '../leads/lead-id.ts';
import { findOutboxLeads } from './sql/find-outbox-leads.ts';
import { replayDeliveries, type ReplayedRow } from './sql/replay-deliveries.ts';

export interface ReplayRequest {
  readonly leadIds: readonly string[];
  readonly dead: boolean;
  readonly since?: Date | undefined;
}

export interface ReplayReport {
  readonly replayed: ReplayedRow[];
  /** Asked for, but being delivered right now: left as they are. */
  readonly in_flight: string[];
}

/** Checks a replay request; throws `invalid_argument` naming what is wrong. */
export function checkReplayRequest(request: ReplayRequest): void {
  const byLead = request.leadIds.length > 0;
  if (byLead === (request.dead || request.since !== undefined)) {
    throw new HermesError(
      'invalid_argument',
      byLead
        ? 'give lead ids, or --dead / --since, not both'
        : 'nothing to replay: give lead ids, --dead, or --since <time>',
    );
  }
  const bad = request.leadIds.filter((id) => !leadIdPattern.test(id));
  if (bad.length > 0) {
    throw new HermesError('invalid_argument', 'lead ids: expected references such as HS-20261124-7KQ2M9', {
      details: bad.map((id) => `got ${JSON.stringify(id)}`),
    });
  }
}

/**
 * Re-queues deliveries (each keeps its delivery id). Lead ids that have no outbox row make the
 * whole request fail with `delivery_not_found`, and nothing is re-queued. Run it in the audit's
 * transaction: the workers' wake-up (NOTIFY) goes out at its commit.
 */
export async function replay(db: Queryable, request: ReplayRequest): Promise<ReplayReport> {
  checkReplayRequest(request);
  if (request.leadIds.length === 0) {
    const replayed = await replayDeliveries(db, { dead: request.dead, since: request.since });
    return { replayed, in_flight: [] };
  }
  const found = await findOutboxLeads(db, request.leadIds);
  const missing = request.leadIds.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new HermesError(
      'delivery_not_found',
      'no delivery for some lead ids (unknown, or spam: never forwarded); nothing was replayed',
      { details: missing },
    );
  }
  const replayed = await replayDeliveries(db, { leadIds: request.leadIds });
  const done = new Set(replayed.map((r) => r.lead_id));
  return { replayed, in_flight: [...new Set(request.leadIds)].filter((id) => !done.has(id)) };
}
