import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { deliveryStatuses, type DeliveryStatus } from '../../../delivery/delivery-status.ts';
import { auditedReplay } from '../../../delivery/audited-replay.ts';
import { checkReplayRequest, type ReplayRequest } from '../../../delivery/replay.ts';
import { findDelivery } from '../../../delivery/sql/find-delivery.ts';
import { listDeliveries } from '../../../delivery/sql/list-deliveries.ts';
import { HermesError, hasCode } from '../../../errors/hermes-error.ts';
import type { CliContext } from '../../context.ts';
import { integerFrom, oneOf, parseLeadId, parseLeadIds, parseSinceValue } from '../../parse-values.ts';
import { UsageError } from '../../usage-error.ts';
import { withDatabase } from '../../with-database.ts';
import { printDelivery, printDeliveryList } from './print-deliveries.ts';

/** Lead ids or --dead/--since, not both and not neither: the replay rule, checked before connecting. */
function checkReplayUsage(request: ReplayRequest): void {
  try {
    checkReplayRequest(request);
  } catch (error) {
    if (hasCode(error, 'invalid_argument')) throw new UsageError(error.message, { details: error.details });
    throw error;
  }
}

export function registerDeliveries(deliveries: Command, ctx: CliContext): void {
  deliveries
    .command('list')
    .description('list deliveries, newest first')
    .option(
      '--status <status>',
      `only ${deliveryStatuses.join('|')} (failed: will be retried)`,
      oneOf(deliveryStatuses),
    )
    .option(
      '--since <time>',
      'leads committed since an ISO 8601 time or a duration back (30m, 2h, 7d)',
      parseSinceValue,
    )
    .option('--limit <n>', 'at most this many', integerFrom(1, 10_000), 100)
    .action((opts: { status?: DeliveryStatus; since?: Date; limit: number }) =>
      withDatabase(ctx, async (db) => {
        const { since } = opts;
        const rows = await listDeliveries(db.pool, { status: opts.status, since, limit: opts.limit });
        ctx.output.result(rows, () => printDeliveryList(ctx.output, rows));
      }),
    );

  deliveries
    .command('show')
    .description("a lead's delivery and every attempt (time, status, latency, error, n8n's answer)")
    .argument('<lead_id>', 'the lead reference, e.g. HS-20261124-7KQ2M9', parseLeadId)
    .action((leadId: string) =>
      withDatabase(ctx, async (db) => {
        const detail = await findDelivery(db.pool, leadId);
        if (!detail) {
          throw new HermesError(
            'delivery_not_found',
            `no delivery for ${leadId} (unknown lead, or spam: never forwarded)`,
          );
        }
        ctx.output.result(detail, () => printDelivery(ctx.output, detail));
      }),
    );

  deliveries
    .command('replay')
    .description('re-queue deliveries (each keeps its delivery id, so n8n can de-duplicate)')
    .argument('[lead_id...]', 'the leads to deliver again', parseLeadIds)
    .option('--dead', 'every dead delivery')
    .option(
      '--since <time>',
      'dead and delivered deliveries of leads committed since (with --dead: dead only)',
      parseSinceValue,
    )
    .action((leadIds: string[], opts: { dead?: boolean; since?: Date }) => {
      const request = { leadIds, dead: opts.dead ?? false, since: opts.since };
      checkReplayUsage(request);
      return withDatabase(ctx, async (db) => {
        const report = await auditedReplay(db.pool, `cli:${userInfo().username}`, request);
        ctx.output.result(report, () => {
          ctx.output.line(
            `replayed ${String(report.replayed.length)} deliver${report.replayed.length === 1 ? 'y' : 'ies'}`,
          );
          for (const row of report.replayed.slice(0, 50))
            ctx.output.line(`  ${row.lead_id}  ${row.delivery_id}`);
          if (report.replayed.length > 50)
            ctx.output.line(`  … and ${String(report.replayed.length - 50)} more`);
          for (const id of report.in_flight) ctx.output.line(`  ${id}  being delivered now: left as it is`);
        });
      });
    });
}
