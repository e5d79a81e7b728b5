import type { Command } from 'commander';
import { toDatabaseError } from '../../../db/database-error.ts';
import { HermesError } from '../../../errors/hermes-error.ts';
import { listGateRuns } from '../../../gates/history/list-gate-runs.ts';
import { formatDuration } from '../../../text/duration.ts';
import type { CliContext } from '../../context.ts';
import { withDatabase } from '../../with-database.ts';
import type { Stage } from '../../../gates/gate.ts';
import { integerFrom } from '../../parse-values.ts';
import { parseStage } from './run-command.ts';

export function registerGatesHistory(gates: Command, ctx: CliContext): void {
  gates
    .command('history')
    .description('the latest gate runs recorded in hermes_ops, newest first')
    .option('--limit <n>', 'how many runs', integerFrom(1, 10_000), 20)
    .option('--stage <stage>', 'only runs of this stage', parseStage)
    .action(async (options: { limit: number; stage?: Stage }) => {
      const { limit, stage } = options;
      const runs = await withDatabase(ctx, async (db) => {
        try {
          return await listGateRuns(db.pool, { limit, stage });
        } catch (error) {
          const failure = toDatabaseError(error, 'cannot read the gate history');
          if (failure.kind === 'undefined_object')
            throw new HermesError('gates_history_missing', 'hermes_ops.gate_runs does not exist', {
              details: ['run `hermes migrate up` (Hermes) or `hermes ops init` (another project) first'],
              cause: error,
            });
          throw failure;
        }
      });
      ctx.output.result(runs, () => {
        if (runs.length === 0) ctx.output.line('no gate runs recorded');
        for (const run of runs) {
          const blocked = run.blockedBy.length > 0 ? `  blocked by ${run.blockedBy.join(', ')}` : '';
          ctx.output.line(
            `${run.startedAt.toISOString()}  ${run.stage.padEnd(11)}  ${run.status.padEnd(6)}  ${run.passed}/${run.total} passed, ${run.warned} warned, ${run.failed} failed, ${run.errored} errors, ${run.skipped} skipped  ${formatDuration(run.durationMs)}  ${run.id}${blocked}`,
          );
        }
      });
    });
}
