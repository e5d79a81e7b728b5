import type { Command } from 'commander';
import type { CliContext } from '../../context.ts';
import { integerFrom } from '../../parse-values.ts';
import { waitForSignal } from '../../wait-for-signal.ts';
import type { WorkerOptions } from './run-worker.ts';

export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('deliver the outbox to n8n without serving HTTP (several may share one PostgreSQL)')
    .option('--concurrency <n>', 'deliveries in flight (default: delivery.concurrency)', integerFrom(1, 500))
    .action(async (opts: WorkerOptions) => {
      // Listening from the start: a signal during start-up then shuts down in order once started.
      const signalled = waitForSignal();
      // The worker's code loads only when it is to run.
      const { runWorker } = await import('./run-worker.ts');
      await runWorker(ctx, opts, signalled);
    });
}
