import type { Command } from 'commander';
import type { Database } from '../../../db/open-database.ts';
import { listDeploymentGateRuns } from '../../../deploy/ledger/deployment-gate-runs.ts';
import { toDeploymentDetails } from '../../../deploy/ledger/deployment-details.ts';
import { toDeploymentMetrics } from '../../../deploy/ledger/deployment-metrics.ts';
import { getDeployment } from '../../../deploy/ledger/get-deployment.ts';
import { ledgerError } from '../../../deploy/ledger/ledger-error.ts';
import { listDeployments } from '../../../deploy/ledger/list-deployments.ts';
import { markInterrupted } from '../../../deploy/ledger/mark-interrupted.ts';
import { isHermesError } from '../../../errors/hermes-error.ts';
import type { CliContext } from '../../context.ts';
import { integerFrom, parseDeploymentId } from '../../parse-values.ts';
import { withDatabase } from '../../with-database.ts';
import { interruptedLine, printDeployment, printDeploymentList } from './print-deployments.ts';

/**
 * Reads the ledger after marking the deployments whose process is gone (so no reader ever sees a
 * dead deploy as running), saying on stderr which ones. A missing table is named with its command.
 */
function withLedger<T>(ctx: CliContext, read: (db: Database) => Promise<T>): Promise<T> {
  return withDatabase(ctx, async (db) => {
    try {
      for (const marked of await markInterrupted(db.pool)) ctx.output.error(interruptedLine(marked));
      return await read(db);
    } catch (error) {
      // A lookup's own refusal (not found, ambiguous) already says what is wrong; pg's errors do not.
      if (isHermesError(error)) throw error;
      throw ledgerError(error, 'cannot read the deployments ledger');
    }
  });
}

export function registerDeployments(deployments: Command, ctx: CliContext): void {
  deployments
    .command('list')
    .description(
      'the latest deployments, newest first (id, version, target, status, gates, duration, rollback)',
    )
    .option('--limit <n>', 'how many deployments', integerFrom(1, 10_000), 20)
    .action(async (options: { limit: number }) => {
      const found = await withLedger(ctx, (db) => listDeployments(db.pool, { limit: options.limit }));
      ctx.output.result(found.map(toDeploymentMetrics), () => printDeploymentList(ctx.output, found));
    });

  deployments
    .command('show')
    .description('one deployment: how it ended (the failed step and why), gates, skips, rollback, stage runs')
    .argument('<id>', 'the deployment id, or its first 8 or more hex digits', parseDeploymentId)
    .action(async (id: string) => {
      const { deployment, gateRuns } = await withLedger(ctx, async (db) => {
        const found = await getDeployment(db.pool, id);
        return { deployment: found, gateRuns: await listDeploymentGateRuns(db.pool, found.id) };
      });
      ctx.output.result(toDeploymentDetails(deployment, gateRuns), () =>
        printDeployment(ctx.output, deployment, gateRuns),
      );
    });
}
