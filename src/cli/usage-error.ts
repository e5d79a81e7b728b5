import type { Command, CommanderError } from 'commander';
import { HermesError } from '../errors/hermes-error.ts';

/** One value the command refused: which option or argument, what it takes, what it was given. */
export interface UsageField {
  readonly field: string;
  readonly expected: string;
  readonly got: string;
}

/**
 * Bad usage: a value or a combination of options a command cannot take. Raised while the command
 * line is parsed, so nothing (database, file, network) has been touched yet; always exit 2.
 */
export class UsageError extends HermesError {
  readonly fields: readonly UsageField[];

  constructor(
    message: string,
    options: { fields?: readonly UsageField[]; details?: readonly string[] } = {},
  ) {
    super('usage_invalid', message, { details: options.details ?? [] });
    this.fields = options.fields ?? [];
  }
}

/** `hermes gates run`: the words a user types to reach `command`. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The indented line under a usage error (a detail starting with a blank prints indented, no dash). */
export function usageHint(command: Command): string {
  return ` run \`${commandPath(command)} --help\` for the usage`;
}

/**
 * Commander's own refusal (unknown option or command, missing argument or option value, no
 * subcommand) as a UsageError: one line, without commander's `error: ` prefix or its line breaks
 * (`(Did you mean …?)` stays, on the same line).
 */
export function commanderUsageError(error: CommanderError, command: Command): UsageError {
  const details = [usageHint(command)];
  // commander.help with an error exit: a group (or `hermes` itself) was given no subcommand, or
  // `hermes help <name>` a name it does not have.
  if (error.code === 'commander.help') {
    const asked = command.args.at(-1);
    if (asked !== undefined) return new UsageError(`unknown command '${asked}'`, { details });
    const names = command.commands.map((sub) => sub.name()).join(', ');
    const path = commandPath(command).split(' ').slice(1).join(' ');
    const message = path ? `${path} needs a command: ${names}` : `a command is needed: ${names}`;
    return new UsageError(message, { details });
  }
  const message = error.message
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ')
    .replace('(Did you mean', '(did you mean')
    .replace(/\.$/, '');
  return new UsageError(message, { details });
}
