import type { Queryable } from '../db/queryable.ts';
import { HermesError } from '../errors/hermes-error.ts';
import { leadIdPattern } from '../leads/lead-id.ts';
import {
  countByStatus,
  decideReplay,
  skipReasonText,
  type ReplayDecision,
  type SkippedRow,
} from './decide-replay.ts';
import type { DeliveryStatus } from './delivery-status.ts';
import { findReplayCandidates, type ReplaySelection } from './sql/find-replay-candidates.ts';
import { findOutboxLeads } from './sql/find-outbox-leads.ts';
import { replayDeliveries, type ReplayedRow } from './sql/replay-deliveries.ts';

export interface ReplayRequest {
  readonly leadIds: readonly string[];
  /** Dead deliveries only (with `since`: of leads committed since). */
  readonly dead: boolean;
  /** Without `dead`: dead deliveries (and with `includeDelivered`, delivered ones) since. */
  readonly since?: Date | undefined;
  /** Delivered deliveries may be sent again (else they are skipped, or refused by lead id). */
  readonly includeDelivered?: boolean | undefined;
}

export interface ReplayFindings {
  /** The rows replayed (or that would be), by their status before. */
  readonly by_status: Record<DeliveryStatus, number>;
  /** Found by --dead / --since but not sent again: erased leads, delivered ones. */
  readonly skipped: SkippedRow[];
  /** Asked for, but being delivered right now: left as they are. */
  readonly in_flight: string[];
}

/** What a replay did. */
export interface ReplayReport extends ReplayFindings {
  readonly dry_run: false;
  readonly replayed: ReplayedRow[];
}

/** What a replay would do now: its dry run. */
export interface ReplayPlan extends ReplayFindings {
  readonly dry_run: true;
  readonly would_replay: ReplayedRow[];
}

/** The rows a report lists as replayed, a plan's included. */
export function replayedRows(report: ReplayReport | ReplayPlan): ReplayedRow[] {
  return report.dry_run ? report.would_replay : report.replayed;
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
  if (request.dead && request.includeDelivered === true) {
    throw new HermesError(
      'invalid_argument',
      '--dead replays dead deliveries only: give --since <time> with --include-delivered instead',
    );
  }
  const bad = request.leadIds.filter((id) => !leadIdPattern.test(id));
  if (bad.length > 0) {
    throw new HermesError('invalid_argument', 'lead ids: expected references such as HS-20261124-7KQ2M9', {
      details: bad.map((id) => `got ${JSON.stringify(id)}`),
    });
  }
}

function selectionOf(request: ReplayRequest): ReplaySelection {
  if (request.leadIds.length > 0) return { leadIds: [...new Set(request.leadIds)] };
  // --since without --dead finds the delivered rows too, so that the report says they were left out.
  return { statuses: request.dead ? ['dead'] : ['dead', 'delivered'], since: request.since };
}

/**
 * The rows a request names and the replay rule's decision on them. Lead ids without an outbox row
 * throw `delivery_not_found`, lead ids that may not be sent again (erased, delivered without
 * `includeDelivered`) throw `replay_refused`: a request that names a lead is done whole or not.
 */
async function decide(db: Queryable, request: ReplayRequest, lock: boolean): Promise<ReplayDecision> {
  checkReplayRequest(request);
  const selection = selectionOf(request);
  if ('leadIds' in selection) {
    const found = await findOutboxLeads(db, selection.leadIds);
    const missing = selection.leadIds.filter((id) => !found.has(id));
    if (missing.length > 0) {
      throw new HermesError(
        'delivery_not_found',
        'no delivery for some lead ids (unknown, or spam: never forwarded); nothing was replayed',
        { details: missing },
      );
    }
  }
  const decision = decideReplay(await findReplayCandidates(db, selection, lock), {
    byLeadId: 'leadIds' in selection,
    includeDelivered: request.includeDelivered ?? false,
  });
  if (decision.refused.length > 0) {
    throw new HermesError('replay_refused', 'some lead ids may not be sent again; nothing was replayed', {
      details: decision.refused.map((r) => `${r.lead_id}: ${skipReasonText[r.reason]}`),
    });
  }
  return decision;
}

const rowOf = ({ lead_id, delivery_id }: ReplayedRow): ReplayedRow => ({ lead_id, delivery_id });

/** What `replay` would do now, changing nothing (it throws what `replay` would throw). */
export async function planReplay(db: Queryable, request: ReplayRequest): Promise<ReplayPlan> {
  const decision = await decide(db, request, false);
  return {
    dry_run: true,
    would_replay: decision.replay.map(rowOf),
    by_status: countByStatus(decision.replay),
    skipped: [...decision.skipped],
    in_flight: [...decision.inFlight],
  };
}

/**
 * Re-queues deliveries (each keeps its delivery id); throws as `decide` says, and then nothing is
 * re-queued. Run it in the audit's transaction: the workers' wake-up (NOTIFY) goes out at its commit.
 */
export async function replay(db: Queryable, request: ReplayRequest): Promise<ReplayReport> {
  // Locked until the commit: what is re-queued is what was decided on.
  const decision = await decide(db, request, true);
  const planned = decision.replay.map((r) => r.lead_id);
  const requeued = new Set((await replayDeliveries(db, planned)).map((r) => r.lead_id));
  const done = decision.replay.filter((r) => requeued.has(r.lead_id));
  return {
    dry_run: false,
    replayed: done.map(rowOf),
    by_status: countByStatus(done),
    skipped: [...decision.skipped],
    // The rows are locked, so this only adds what a guard of the update still refused.
    in_flight: [...decision.inFlight, ...planned.filter((id) => !requeued.has(id))],
  };
}
