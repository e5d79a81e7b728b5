import type { DeliveryDetail } from '../../../delivery/sql/find-delivery.ts';
import type { DeliveryRow } from '../../../delivery/sql/list-deliveries.ts';
import type { Output } from '../../output.ts';
import { printTable as table } from '../../print-table.ts';
import { printedTime } from '../../printed-time.ts';

const time = (date: Date | null) => (date ? printedTime(date) : '-');

function lastAnswer(row: DeliveryRow): string {
  if (!row.last_outcome) return '-';
  return row.last_status_code === null
    ? row.last_outcome
    : `${row.last_outcome} (${String(row.last_status_code)})`;
}

function when(row: DeliveryRow): string {
  if (row.status === 'delivered') return `delivered ${time(row.delivered_at)}`;
  if (row.status === 'dead') return `dead ${time(row.dead_at)}`;
  return `next ${time(row.next_attempt_at)}`;
}

export function printDeliveryList(output: Output, rows: readonly DeliveryRow[]): void {
  if (rows.length === 0) {
    output.line('no deliveries');
    return;
  }
  table(output, [
    ['LEAD', 'STATUS', 'ATTEMPTS', 'LAST ANSWER', 'WHEN', 'COMMITTED'],
    ...rows.map((r) => [r.lead_id, r.status, String(r.attempts), lastAnswer(r), when(r), time(r.created_at)]),
  ]);
}

export function printDelivery(output: Output, detail: DeliveryDetail): void {
  output.line(`lead         ${detail.lead_id}`);
  output.line(`delivery id  ${detail.delivery_id}`);
  output.line(`status       ${detail.status} (${when(detail)})`);
  output.line(`committed    ${time(detail.created_at)}`);
  if (detail.replay_count > 0) output.line(`replayed     ${String(detail.replay_count)} time(s)`);
  output.line('');
  if (detail.attempts_log.length === 0) {
    output.line('no attempts yet');
    return;
  }
  table(output, [
    ['#', 'AT', 'STATUS', 'OUTCOME', 'RESULT', 'LATENCY', 'ERROR / ANSWER'],
    ...detail.attempts_log.map((a) => [
      `${String(a.attempt)}${a.probe ? 'p' : ''}`,
      time(a.attempted_at),
      a.status_code === null ? '-' : String(a.status_code),
      a.outcome,
      a.result,
      `${String(a.latency_ms)} ms`,
      [a.error, a.response_excerpt].filter(Boolean).join(': ').replace(/\s+/g, ' ').slice(0, 120),
    ]),
  ]);
}
