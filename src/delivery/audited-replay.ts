import type { Pool } from 'pg';
import { audited } from '../leads/audited.ts';
import { checkReplayRequest, replay, type ReplayReport, type ReplayRequest } from './replay.ts';

/**
 * `replay`, audited (the CLI and the admin API both call this). A request that breaks the replay
 * rule throws `invalid_argument` before anything is done or audited; lead ids without a delivery
 * throw `delivery_not_found` inside, audited as an error. `since` is recorded as the time it
 * resolved to, so a trail entry still says which leads it meant after "2h" has moved on.
 */
export async function auditedReplay(
  pool: Pool,
  actor: string,
  request: ReplayRequest,
): Promise<ReplayReport> {
  checkReplayRequest(request);
  return await audited(pool, {
    actor,
    action: 'deliveries.replay',
    subject: request.leadIds.length === 1 ? (request.leadIds[0] ?? null) : null,
    work: (db) => replay(db, request),
    describe: (report) => ({
      outcome: 'ok',
      details: {
        replayed: report.replayed.length,
        dead: request.dead,
        since: request.since?.toISOString() ?? null,
      },
    }),
  });
}
