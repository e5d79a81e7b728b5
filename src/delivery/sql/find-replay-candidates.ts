import type { Queryable } from '../../db/queryable.ts';
import { deliveryStatusSql, type DeliveryStatus } from '../delivery-status.ts';

/** Which outbox rows a replay looks at: the given leads, or the dead (and delivered) ones since. */
export type ReplaySelection =
  | { readonly leadIds: readonly string[] }
  | {
      readonly statuses: readonly ('dead' | 'delivered')[];
      readonly since?: Date | undefined;
    };

/** An outbox row a replay looked at, with what decides whether it may be sent again. */
export interface ReplayCandidate {
  readonly lead_id: string;
  readonly delivery_id: string;
  readonly status: DeliveryStatus;
  /** The lead's personal data is gone (`erased_at` set): a send would forward the placeholders. */
  readonly erased: boolean;
  /** Pending and leased: a worker is delivering it right now. */
  readonly in_flight: boolean;
}

const columns = `
  o.lead_id, o.delivery_id, ${deliveryStatusSql} AS status,
  coalesce(l.erased_at IS NOT NULL, false) AS erased,
  (o.status = 'pending' AND coalesce(o.locked_until > now(), false)) AS in_flight
FROM hermes_outbox o LEFT JOIN hermes_leads l ON l.lead_id = o.lead_id`;

const byLeadSql = `SELECT ${columns}
WHERE o.lead_id = ANY($1::text[])
ORDER BY o.created_at, o.id`;

const bySelectionSql = `SELECT ${columns}
WHERE o.status = ANY($1::text[]) AND ($2::timestamptz IS NULL OR o.created_at >= $2)
ORDER BY o.created_at, o.id`;

/**
 * The rows in `selection`, oldest first. With `lock`, they are locked until the transaction ends,
 * so the replay that follows re-queues exactly what was decided on.
 */
export async function findReplayCandidates(
  db: Queryable,
  selection: ReplaySelection,
  lock: boolean,
): Promise<ReplayCandidate[]> {
  const forUpdate = lock ? '\nFOR UPDATE OF o' : '';
  const { rows } =
    'leadIds' in selection
      ? await db.query<ReplayCandidate>(byLeadSql + forUpdate, [selection.leadIds])
      : await db.query<ReplayCandidate>(bySelectionSql + forUpdate, [
          selection.statuses,
          selection.since ?? null,
        ]);
  return rows;
}
