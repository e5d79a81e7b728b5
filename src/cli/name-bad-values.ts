import { InvalidArgumentError, type Command } from 'commander';
import { ExpectedValue } from './parse-values.ts';
import { UsageError } from './usage-error.ts';

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

type Parser = (value: string, previous: unknown) => unknown;

/** The parser, but a refused value becomes a UsageError that names `field` and the command. */
export function namedParser(parse: Parser, field: string, command: Command): Parser {
  return (value, previous) => {
    try {
      return parse(value, previous);
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      const fields =
        error instanceof ExpectedValue ? [{ field, expected: error.expected, got: error.got }] : [];
      throw new UsageError(`${field}: ${error.message}`, {
        fields,
        details: [` run \`${commandPath(command)} --help\` for the usage`],
      });
    }
  };
}

/**
 * Makes every option and argument parser of `command` report a bad value as `--port: expected …,
 * got "…"` (exit 2, usage_invalid) instead of commander's generic line. Commander rethrows errors
 * that are not its own, so the UsageError stops the parse before any action runs.
 */
export function nameBadValues(command: Command): void {
  for (const option of command.options) {
    const parse = option.parseArg;
    if (parse) option.argParser(namedParser(parse, option.long ?? option.short ?? option.flags, command));
  }
  for (const argument of command.registeredArguments) {
    const parse = argument.parseArg;
    if (parse) argument.argParser(namedParser(parse, argument.name(), command));
  }
}
