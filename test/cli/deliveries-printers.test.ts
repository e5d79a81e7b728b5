import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { DeliveryDetail } from '../../src/delivery/sql/find-delivery.ts';
import type { DeliveryRow } from '../../src/delivery/sql/list-deliveries.ts';
import type { ReplayPlan, ReplayReport } from '../../src/delivery/replay.ts';
import { printDelivery, printDeliveryList } from '../../src/cli/commands/deliveries/print-deliveries.ts';
import { replayLines } from '../../src/cli/commands/deliveries/print-replay.ts';
import { createOutput, type Output } from '../../src/cli/output.ts';

/** An Output whose stdout is kept: what the reader of a terminal would see. */
function captured(): { output: Output; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { output: createOutput(false, sink, sink), text: () => text };
}

const at = (iso: string) => new Date(iso);

const row = (overrides: Partial<DeliveryRow>): DeliveryRow => ({
  lead_id: 'HS-20261201-AAAAAA',
  delivery_id: 'd-1',
  status: 'pending',
  attempts: 0,
  next_attempt_at: at('2026-12-01T10:05:00.123Z'),
  last_attempt_at: null,
  last_status_code: null,
  last_outcome: null,
  last_error: null,
  created_at: at('2026-12-01T10:00:00.456Z'),
  delivered_at: null,
  dead_at: null,
  replay_count: 0,
  ...overrides,
});

describe('hermes deliveries list: the table', () => {
  it('says so when there is nothing to list', () => {
    const { output, text } = captured();
    printDeliveryList(output, []);
    expect(text()).toBe('no deliveries\n');
  });

  it('aligns the columns; each status says its own time, the last answer its code when there was one', () => {
    const { output, text } = captured();
    printDeliveryList(output, [
      row({}),
      row({
        lead_id: 'HS-20261201-BBBBBB',
        status: 'failed',
        attempts: 2,
        last_outcome: 'timeout',
        next_attempt_at: at('2026-12-01T10:07:00.000Z'),
      }),
      row({
        lead_id: 'HS-20261201-CCCCCC',
        status: 'dead',
        attempts: 12,
        last_outcome: 'http_error',
        last_status_code: 500,
        next_attempt_at: null,
        dead_at: at('2026-12-02T09:00:00.999Z'),
      }),
      row({
        lead_id: 'HS-20261201-DDDDDD',
        status: 'delivered',
        attempts: 1,
        last_outcome: 'delivered',
        last_status_code: 200,
        next_attempt_at: null,
        delivered_at: at('2026-12-01T10:00:01.000Z'),
      }),
      // A delivered row without its time (cannot be in the database, but not a crash).
      row({ lead_id: 'HS-20261201-EEEEEE', status: 'delivered', next_attempt_at: null }),
    ]);
    expect(text()).toBe(
      [
        'LEAD                STATUS     ATTEMPTS  LAST ANSWER       WHEN                            COMMITTED',
        'HS-20261201-AAAAAA  pending    0         -                 next 2026-12-01T10:05:00Z       2026-12-01T10:00:00Z',
        'HS-20261201-BBBBBB  failed     2         timeout           next 2026-12-01T10:07:00Z       2026-12-01T10:00:00Z',
        'HS-20261201-CCCCCC  dead       12        http_error (500)  dead 2026-12-02T09:00:00Z       2026-12-01T10:00:00Z',
        'HS-20261201-DDDDDD  delivered  1         delivered (200)   delivered 2026-12-01T10:00:01Z  2026-12-01T10:00:00Z',
        'HS-20261201-EEEEEE  delivered  0         -                 delivered -                     2026-12-01T10:00:00Z',
        '',
      ].join('\n'),
    );
  });
});

describe('hermes deliveries show: one delivery', () => {
  const detail = (overrides: Partial<DeliveryDetail>): DeliveryDetail => ({
    ...row({}),
    attempts_log: [],
    ...overrides,
  });

  it('a delivery not attempted yet, never replayed', () => {
    const { output, text } = captured();
    printDelivery(output, detail({}));
    expect(text()).toBe(
      [
        'lead         HS-20261201-AAAAAA',
        'delivery id  d-1',
        'status       pending (next 2026-12-01T10:05:00Z)',
        'committed    2026-12-01T10:00:00Z',
        '',
        'no attempts yet',
        '',
      ].join('\n'),
    );
  });

  it('a replayed delivery: its replays, then every attempt, probes marked p, no code shown as -', () => {
    const attempt = {
      worker_id: 'w1',
      next_attempt_at: null,
      error: null,
      response_excerpt: null,
      probe: false,
    };
    const { output, text } = captured();
    printDelivery(
      output,
      detail({
        status: 'delivered',
        delivered_at: at('2026-12-01T10:03:00.000Z'),
        replay_count: 2,
        attempts_log: [
          {
            ...attempt,
            attempt: 1,
            attempted_at: at('2026-12-01T10:00:01.000Z'),
            latency_ms: 5000,
            status_code: null,
            outcome: 'timeout',
            result: 'retry',
            error: 'no answer\n  within 5000 ms',
          },
          {
            ...attempt,
            attempt: 1,
            probe: true,
            attempted_at: at('2026-12-01T10:02:00.000Z'),
            latency_ms: 12,
            status_code: 503,
            outcome: 'http_error',
            result: 'retry',
            error: 'HTTP 503',
            response_excerpt: 'maintenance',
          },
          {
            ...attempt,
            attempt: 2,
            attempted_at: at('2026-12-01T10:03:00.000Z'),
            latency_ms: 40,
            status_code: 200,
            outcome: 'delivered',
            result: 'delivered',
          },
        ],
      }),
    );
    expect(text()).toBe(
      [
        'lead         HS-20261201-AAAAAA',
        'delivery id  d-1',
        'status       delivered (delivered 2026-12-01T10:03:00Z)',
        'committed    2026-12-01T10:00:00Z',
        'replayed     2 time(s)',
        '',
        '#   AT                    STATUS  OUTCOME     RESULT     LATENCY  ERROR / ANSWER',
        '1   2026-12-01T10:00:01Z  -       timeout     retry      5000 ms  no answer within 5000 ms',
        '1p  2026-12-01T10:02:00Z  503     http_error  retry      12 ms    HTTP 503: maintenance',
        '2   2026-12-01T10:03:00Z  200     delivered   delivered  40 ms',
        '',
      ].join('\n'),
    );
  });
});

describe('hermes deliveries replay: its lines', () => {
  const ids = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => ({
      lead_id: `HS-20261201-${prefix}${String(i).padStart(4, '0')}`,
      delivery_id: `d-${prefix}${String(i)}`,
    }));

  it('lists the first 20 ids, then how many more, for the replayed and for the skipped', () => {
    const report: ReplayReport = {
      dry_run: false,
      replayed: ids(22, 'R'),
      by_status: { pending: 0, failed: 0, dead: 22, delivered: 0 },
      in_flight: ['HS-20261201-FLIGHT'],
      skipped: ids(21, 'S').map((r) => ({ lead_id: r.lead_id, reason: 'erased' as const })),
    };
    const lines = replayLines(report);
    expect(lines[0]).toBe('replayed 22 deliveries (dead 22)');
    expect(lines.slice(1, 21)).toEqual(ids(20, 'R').map((r) => `  ${r.lead_id}  ${r.delivery_id}`));
    expect(lines.slice(21)).toEqual([
      '  … and 2 more',
      '  HS-20261201-FLIGHT  being delivered now: left as it is',
      'skipped 21, not sent again:',
      ...ids(20, 'S').map(
        (r) => `  ${r.lead_id}  erased: the lead's data is gone, a replay would forward placeholders`,
      ),
      '  … and 1 more',
    ]);
  });

  it('a plan with nothing to replay says so, without counts', () => {
    const plan: ReplayPlan = {
      dry_run: true,
      would_replay: [],
      by_status: { pending: 0, failed: 0, dead: 0, delivered: 0 },
      in_flight: [],
      skipped: [],
    };
    expect(replayLines(plan)).toEqual(['nothing to replay']);
  });
});
