import { skipReasonText } from '../../../delivery/decide-replay.ts';
import { deliveryStatuses } from '../../../delivery/delivery-status.ts';
import { replayedRows, type ReplayPlan, type ReplayReport } from '../../../delivery/replay.ts';

/** How many ids a listing shows before "… and N more". */
const shown = 20;

export function deliveriesWord(n: number): string {
  return `${String(n)} deliver${n === 1 ? 'y' : 'ies'}`;
}

/** "dead 2, failed 1": the statuses present, in their usual order. */
function statusCounts(report: ReplayReport | ReplayPlan): string {
  const counts = deliveryStatuses
    .filter((s) => report.by_status[s] > 0)
    .map((s) => `${s} ${String(report.by_status[s])}`);
  return counts.length > 0 ? ` (${counts.join(', ')})` : '';
}

/** A replay's report (or its plan, `dry_run`) as lines: counts by status, the first ids, what was left out. */
export function replayLines(report: ReplayReport | ReplayPlan): string[] {
  const rows = replayedRows(report);
  const verb = report.dry_run ? 'would replay' : 'replayed';
  const lines = [
    rows.length === 0 ? 'nothing to replay' : `${verb} ${deliveriesWord(rows.length)}${statusCounts(report)}`,
  ];
  for (const row of rows.slice(0, shown)) lines.push(`  ${row.lead_id}  ${row.delivery_id}`);
  if (rows.length > shown) lines.push(`  … and ${String(rows.length - shown)} more`);
  for (const id of report.in_flight) lines.push(`  ${id}  being delivered now: left as it is`);
  if (report.skipped.length > 0) {
    lines.push(`skipped ${String(report.skipped.length)}, not sent again:`);
    for (const row of report.skipped.slice(0, shown))
      lines.push(`  ${row.lead_id}  ${skipReasonText[row.reason]}`);
    if (report.skipped.length > shown) lines.push(`  … and ${String(report.skipped.length - shown)} more`);
  }
  return lines;
}
