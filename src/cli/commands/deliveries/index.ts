import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { deliveryStatuses, type DeliveryStatus } from '../../../delivery/delivery-status.ts';
import { auditedReplay, auditedReplayPlan } from '../../../delivery/audited-replay.ts';
import { checkReplayRequest, replayedRows, type ReplayRequest } from '../../../delivery/replay.ts';
import { findDelivery } from '../../../delivery/sql/find-delivery.ts';
import { listDeliveries } from '../../../delivery/sql/list-deliveries.ts';
import { HermesError, hasCode } from '../../../errors/hermes-error.ts';
import { confirm, confirmationFacts, decideConfirmation, processTerminal } from '../../confirm.ts';
import type { CliContext } from '../../context.ts';
import { integerFrom, oneOf, parseLeadId, parseLeadIds, parseSinceValue } from '../../parse-values.ts';
import { UsageError } from '../../usage-error.ts';
import { withDatabase } from '../../with-database.ts';
import { printDelivery, printDeliveryList } from './print-deliveries.ts';
import { deliveriesWord, replayLines } from './print-replay.ts';

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
    .description(
      're-queue deliveries (each keeps its delivery id, so n8n can de-duplicate); erased leads are never sent again',
    )
    .argument('[lead_id...]', 'the leads to deliver again', parseLeadIds)
    .option('--dead', 'every dead delivery')
    .option(
      '--since <time>',
      'dead deliveries of leads committed since (with --include-delivered: delivered ones too)',
      parseSinceValue,
    )
    .option('--include-delivered', 'send delivered deliveries again too (without it they are left out)')
    .option('--dry-run', 'print what would be replayed (counts by status, the first ids); change nothing')
    .option('--yes', 'replay without asking (needed when not on a terminal)')
    .action((leadIds: string[], opts: ReplayOptions) => {
      const request: ReplayRequest = {
        leadIds,
        dead: opts.dead ?? false,
        since: opts.since,
        includeDelivered: opts.includeDelivered ?? false,
      };
      checkReplayUsage(request);
      const terminal = processTerminal();
      // Sending again can be repeated, and n8n can de-duplicate by delivery id: asked, not barred.
      const facts = confirmationFacts(terminal, opts, ctx.config().environment, false);
      const decision = decideConfirmation(facts);
      const actor = `cli:${userInfo().username}`;
      return withDatabase(ctx, async (db) => {
        if (decision !== 'run') {
          const plan = await auditedReplayPlan(db.pool, actor, request);
          const count = replayedRows(plan).length;
          // The plan is the result of a dry run; before a question it is said on stderr.
          if (decision === 'plan-only' || count === 0) {
            ctx.output.result(plan, () => printLines(ctx, replayLines(plan)));
            if (count === 0) return;
          } else if (decision === 'ask') {
            for (const line of replayLines(plan)) ctx.output.error(line);
          }
          const action = { action: `replay ${deliveriesWord(count)}`, hasDryRun: true };
          if (!(await confirm(decision, facts, action, terminal))) return;
        }
        const report = await auditedReplay(db.pool, actor, request);
        ctx.output.result(report, () => printLines(ctx, replayLines(report)));
      });
    });
}

interface ReplayOptions {
  dead?: boolean;
  since?: Date;
  includeDelivered?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

function printLines(ctx: CliContext, lines: readonly string[]): void {
  for (const line of lines) ctx.output.line(line);
}
