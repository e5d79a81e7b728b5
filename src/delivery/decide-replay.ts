import type { DeliveryStatus } from './delivery-status.ts';
import type { ReplayCandidate } from './sql/find-replay-candidates.ts';

/** Why a row asked for is not sent again. */
export type SkipReason = 'erased' | 'delivered';

export interface SkippedRow {
  readonly lead_id: string;
  readonly reason: SkipReason;
}

export interface ReplayDecision {
  /** The rows to re-queue, in the candidates' order. */
  readonly replay: readonly ReplayCandidate[];
  /** Left out of a selection (--dead, --since), with the reason. */
  readonly skipped: readonly SkippedRow[];
  /** Named by lead id but not to be sent again: the whole request is refused. */
  readonly refused: readonly SkippedRow[];
  /** Being delivered right now: left as they are. */
  readonly inFlight: readonly string[];
}

export const skipReasonText: Readonly<Record<SkipReason, string>> = {
  erased: "erased: the lead's data is gone, a replay would forward placeholders",
  delivered: 'delivered already: --include-delivered (include_delivered) sends it again',
};

/**
 * The one replay rule, for the CLI and the admin API: an erased lead is never sent again; a
 * delivered one only with `includeDelivered`; a row being delivered now is left alone. Rows a
 * selection finds are skipped with their reason; a lead named by id that may not be sent is a
 * refusal of the whole request (the caller asked for exactly that lead).
 */
export function decideReplay(
  candidates: readonly ReplayCandidate[],
  options: { readonly byLeadId: boolean; readonly includeDelivered: boolean },
): ReplayDecision {
  const replay: ReplayCandidate[] = [];
  const excluded: SkippedRow[] = [];
  const inFlight: string[] = [];
  for (const row of candidates) {
    const reason = skipReasonOf(row, options.includeDelivered);
    if (reason) excluded.push({ lead_id: row.lead_id, reason });
    else if (row.in_flight) inFlight.push(row.lead_id);
    else replay.push(row);
  }
  return options.byLeadId
    ? { replay, skipped: [], refused: excluded, inFlight }
    : { replay, skipped: excluded, refused: [], inFlight };
}

function skipReasonOf(row: ReplayCandidate, includeDelivered: boolean): SkipReason | undefined {
  if (row.erased) return 'erased';
  if (row.status === 'delivered' && !includeDelivered) return 'delivered';
  return undefined;
}

/** How many rows of each status, every status present (0 when none). */
export function countByStatus(rows: readonly { status: DeliveryStatus }[]): Record<DeliveryStatus, number> {
  const counts: Record<DeliveryStatus, number> = { pending: 0, failed: 0, dead: 0, delivered: 0 };
  for (const row of rows) counts[row.status] += 1;
  return counts;
}
