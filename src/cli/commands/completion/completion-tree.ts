import type { Command, Option } from 'commander';

/** What a shell offers for an option's value: files, directories, or nothing it could know. */
export type OptionValue = 'none' | 'file' | 'directory' | 'word';

export interface CompletionOption {
  /** `-c`, `--config`: every spelling the option answers to. */
  readonly flags: readonly string[];
  readonly description: string;
  readonly value: OptionValue;
}

export interface CompletionEntry {
  readonly name: string;
  readonly description: string;
}

/** One command of the program, with everything a shell may offer after it. */
export interface CompletionCommand {
  /** The subcommand names after `hermes` (`['gates', 'run']`; `[]` for `hermes` itself). */
  readonly path: readonly string[];
  /** Its subcommands, aliases and commander's `help` command included. */
  readonly commands: readonly CompletionEntry[];
  /** Its own options, `--help`, then those of the commands above it (commander reads them anywhere). */
  readonly options: readonly CompletionOption[];
}

/**
 * The value an option takes, from the name in its flags (`<path>`, `<file>`, `<dir>`): a shell
 * can complete files and directories, and nothing else it could know (a stage, a lead id).
 */
export function optionValue(option: Pick<Option, 'flags' | 'required' | 'optional'>): OptionValue {
  if (!option.required && !option.optional) return 'none';
  const name = /[<[]([^>\]]*)[>\]]/.exec(option.flags)?.[1] ?? '';
  if (/dir/i.test(name)) return 'directory';
  if (/path|file/i.test(name)) return 'file';
  return 'word';
}

function completionOption(option: Option): CompletionOption {
  const flags = [option.short, option.long].filter((flag): flag is string => flag !== undefined);
  return { flags, description: option.description, value: optionValue(option) };
}

/**
 * Every command of `root`, depth first, as commander's help shows it (hidden commands and options
 * left out). `root` must have all its groups declared: the CLI declares them only when named.
 */
export function completionTree(root: Command): CompletionCommand[] {
  const tree: CompletionCommand[] = [];
  const visit = (command: Command, path: readonly string[], inherited: readonly CompletionOption[]): void => {
    const help = command.createHelp();
    const own = help.visibleOptions(command).map(completionOption);
    const subcommands = help.visibleCommands(command);
    tree.push({
      path,
      commands: subcommands.flatMap((sub) =>
        [sub.name(), ...sub.aliases()].map((name) => ({ name, description: sub.description() })),
      ),
      options: [...own, ...inherited],
    });
    // The visible `help` command is commander's own, declared on demand: nothing below it to visit.
    for (const sub of command.commands) {
      if (!subcommands.includes(sub)) continue;
      const ownButHelp = own.filter((option) => !option.flags.includes('--help'));
      visit(sub, [...path, sub.name()], [...ownButHelp, ...inherited]);
    }
  };
  visit(root, [], []);
  return tree;
}
