import { Command } from 'commander';
import { hermesVersion } from '../observability/version.ts';
import { registerConfig } from './commands/config/index.ts';
import { registerGates } from './commands/gates/index.ts';
import { registerLeads } from './commands/leads/index.ts';
import { registerMigrate } from './commands/migrate/index.ts';
import { registerOps } from './commands/ops/index.ts';
import { registerServe } from './commands/serve/index.ts';
import { registerWorker } from './commands/worker/index.ts';
import { registerDeliveries } from './commands/deliveries/index.ts';
import { createContext, type CliContext, type GlobalOptions } from './context.ts';
import { nameBadValues } from './name-bad-values.ts';
import { nonEmpty } from './parse-values.ts';

export interface Program {
  command: Command;
  context: CliContext;
}

/** `hermes` and its commands, sharing one context. */
export function buildProgram(): Program {
  const command = new Command('hermes')
    .description('Hermes: lead intake with guaranteed delivery to n8n, and deployment quality gates')
    .version(hermesVersion)
    .option(
      '-c, --config <path>',
      'hermes.yaml to use (default: $HERMES_CONFIG, else ./hermes.yaml if present)',
      nonEmpty('a file path'),
    )
    .option('--json', 'print results as JSON')
    .option('--verbose', 'print stack traces of unexpected errors')
    .showHelpAfterError();

  const context = createContext(() => command.opts<GlobalOptions>());
  for (const register of [
    registerServe,
    registerMigrate,
    registerConfig,
    registerGates,
    registerLeads,
    registerWorker,
    registerDeliveries,
    registerOps,
  ])
    register(command, context);
  // Every value is checked while the command line is parsed: before any action opens anything.
  applyToAll(command, (c) => {
    c.exitOverride();
    nameBadValues(c);
  });
  return { command, context };
}

function applyToAll(command: Command, apply: (c: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyToAll(sub, apply);
}
