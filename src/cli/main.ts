import { CommanderError } from 'commander';
import { isHermesError } from '../errors/hermes-error.ts';
import { buildProgram } from './program.ts';
import { UsageError, usageErrorBody } from './usage-error.ts';
import { errorMessage } from '../errors/error-message.ts';

/** Commander's own usage errors (unknown option, missing argument, no subcommand) in one line. */
function commanderMessage(error: CommanderError): string {
  if (error.code === 'commander.help') return 'a command is needed (see the usage above)';
  return error.message.replace(/^error: /, '');
}

/**
 * The one edge where errors become messages and exit codes:
 * 0 done, 1 a check failed, 2 Hermes could not run (bad config, no database, bad usage).
 */
export async function main(argv: readonly string[]): Promise<number> {
  const { command, context, declareGroupsNamedIn } = buildProgram();
  try {
    // argv[0] is node, argv[1] the script: commander's default ('node' convention).
    await declareGroupsNamedIn(argv.slice(2));
    await command.parseAsync([...argv]);
    return 0;
  } catch (error) {
    const output = context.output;
    if (error instanceof CommanderError) {
      // commander has already printed the usage error or the help.
      if (error.exitCode === 0) return 0;
      output.result(usageErrorBody(commanderMessage(error)), () => undefined);
      return 2;
    }
    // Nothing ran before a usage error: with --json, stdout holds only this.
    if (error instanceof UsageError)
      output.result(usageErrorBody(error.message, error.fields), () => undefined);
    if (isHermesError(error)) {
      output.error(`hermes: ${error.message} [${error.code}]`);
      for (const detail of error.details)
        output.error(detail.startsWith(' ') ? `    ${detail.trim()}` : `  - ${detail}`);
      if (command.opts<{ verbose?: boolean }>().verbose && error.cause instanceof Error)
        output.error(error.cause.stack ?? '');
      return error.exitCode;
    }
    output.error(`hermes: unexpected error: ${errorMessage(error)}`);
    if (command.opts<{ verbose?: boolean }>().verbose && error instanceof Error)
      output.error(error.stack ?? '');
    else output.error('  (run with --verbose for the stack trace)');
    return 2;
  }
}
