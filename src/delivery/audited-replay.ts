import type { Pool } from 'pg';
import type { Queryable } from '../db/queryable.ts';
import { audited } from '../leads/audited.ts';
import {
  checkReplayRequest,
  planReplay,
  replay,
  replayedRows,
  type ReplayPlan,
  type ReplayReport,
  type ReplayRequest,
} from './replay.ts';

/** What both the replay and its plan record: what they found, and the request as it resolved. */
function auditedAs<T extends ReplayReport | ReplayPlan>(
  pool: Pool,
  actor: string,
  request: ReplayRequest,
  action: string,
  work: (db: Queryable) => Promise<T>,
): Promise<T> {
  checkReplayRequest(request);
  return audited(pool, {
    actor,
    action,
    subject: request.leadIds.length === 1 ? (request.leadIds[0] ?? null) : null,
    work,
    describe: (report) => ({
      outcome: 'ok',
      details: {
        [report.dry_run ? 'would_replay' : 'replayed']: replayedRows(report).length,
        skipped: report.skipped.length,
        dead: request.dead,
        since: request.since?.toISOString() ?? null,
        include_delivered: request.includeDelivered ?? false,
      },
    }),
  });
}

/**
 * `replay`, audited (the CLI and the admin API both call this). A request that breaks the replay
 * rule throws `invalid_argument` before anything is done or audited; lead ids without a delivery
 * (`delivery_not_found`) or that may not be sent again (`replay_refused`) throw inside, audited as
 * an error. `since` is recorded as the time it resolved to, so a trail entry still says which
 * leads it meant after "2h" has moved on.
 */
export function auditedReplay(pool: Pool, actor: string, request: ReplayRequest): Promise<ReplayReport> {
  return auditedAs(pool, actor, request, 'deliveries.replay', (db) => replay(db, request));
}

/**
 * `planReplay` (a dry run), audited as `deliveries.replay.plan`: it looked at the deliveries and
 * replayed nothing, so the trail's `deliveries.replay` entries stay the replays.
 */
export function auditedReplayPlan(pool: Pool, actor: string, request: ReplayRequest): Promise<ReplayPlan> {
  return auditedAs(pool, actor, request, 'deliveries.replay.plan', (db) => planReplay(db, request));
}
