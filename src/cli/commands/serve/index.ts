import type { Command } from 'commander';
import type { CliContext } from '../../context.ts';
import { parsePort } from '../../parse-values.ts';
import { waitForSignal } from '../../wait-for-signal.ts';
import type { ServeOptions } from './run-serve.ts';

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the intake service (embedded PostgreSQL under .hermes/ when DATABASE_URL is unset)')
    .option('--migrate', 'apply pending migrations before serving')
    .option('--port <port>', 'listen on this port (overrides PORT and server.port)', parsePort)
    // Both declared: neither given leaves `pretty` undefined, so log.format decides.
    .option('--pretty', 'log readable lines (pino-pretty) instead of JSON (overrides log.format)')
    .option('--no-pretty', 'log JSON lines even on a terminal in development')
    .action(async (opts: ServeOptions) => {
      // Listening from the start: a signal during start-up then shuts down in order once started.
      const signalled = waitForSignal();
      // The server's code (Fastify, the worker, the migrator) loads only when it is to run.
      const { runServe } = await import('./run-serve.ts');
      await runServe(ctx, opts, signalled);
    });
}
