import type { CompletionCommand } from './completion-tree.ts';
import { shellCase, shellQuote } from './shell-quote.ts';

/** A `case` on `subject` setting REPLY: one arm per command that has something to offer. */
function replyCases(subject: string, arms: readonly (readonly [pattern: string, reply: string])[]): string {
  return shellCase(
    subject,
    arms.map(([pattern, reply]) => [pattern, `REPLY=${shellQuote(reply)}`] as const),
    "REPLY=''",
  );
}

/**
 * A static bash completion script for `hermes`: the program's commands and options are written
 * into it, so a TAB costs no Node start. Commands are found by skipping options and their values;
 * `--opt=value` arrives split at `=` (bash's COMP_WORDBREAKS) or whole, both are read.
 */
export function bashScript(tree: readonly CompletionCommand[], version: string): string {
  const key = (command: CompletionCommand): string => command.path.join(' ');
  const commands = replyCases(
    '$1',
    tree
      .filter((command) => command.commands.length > 0)
      .map((command) => [key(command), command.commands.map((sub) => sub.name).join(' ')] as const),
  );
  const options = replyCases(
    '$1',
    tree.map(
      (command) => [key(command), command.options.flatMap((option) => option.flags).join(' ')] as const,
    ),
  );
  const values = replyCases(
    '"$1|$2"',
    tree.flatMap((command) =>
      command.options
        .filter((option) => option.value !== 'none')
        .flatMap((option) => option.flags.map((flag) => [`${key(command)}|${flag}`, option.value] as const)),
    ),
  );
  return `# bash completion for hermes, printed by \`hermes completion bash\` (Hermes ${version}).
# Install: source <(hermes completion bash)   (e.g. in ~/.bashrc)

# The subcommands of the command $1 ('gates run'; '' for hermes itself).
_hermes_commands() {
${commands}
}

# The options of the command $1, its own and those of the commands above it.
_hermes_options() {
${options}
}

# What the option $2 of the command $1 takes: file, directory, word, or nothing.
_hermes_option_value() {
${values}
}

_hermes() {
  local cur=\${COMP_WORDS[COMP_CWORD]} hermes_path='' value='' prefix='' word i REPLY
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    [[ $word == = ]] && continue
    if [[ -n $value ]]; then
      value=''
      continue
    fi
    case $word in
      --) return 0 ;;
      -*=*) continue ;;
      -*)
        _hermes_option_value "$hermes_path" "$word"
        value=$REPLY
        continue
        ;;
      help) continue ;;
    esac
    _hermes_commands "$hermes_path"
    [[ " $REPLY " == *" $word "* ]] && hermes_path=\${hermes_path:+$hermes_path }$word
  done
  if [[ -z $value && $cur == -*=* ]]; then
    _hermes_option_value "$hermes_path" "\${cur%%=*}"
    value=$REPLY
    prefix=\${cur%%=*}=
    cur=\${cur#*=}
  fi
  # After --opt= the word to complete is the '=' itself: what follows it is empty.
  [[ $cur == = ]] && cur=''
  case $value in
    file | directory)
      compopt -o filenames 2>/dev/null
      local IFS=$'\\n' kind=-f
      [[ $value == directory ]] && kind=-d
      COMPREPLY=($(compgen "$kind" -- "$cur"))
      [[ -n $prefix ]] && COMPREPLY=("\${COMPREPLY[@]/#/$prefix}")
      return 0
      ;;
    word) return 0 ;;
  esac
  if [[ $cur == -* ]]; then
    _hermes_options "$hermes_path"
  else
    _hermes_commands "$hermes_path"
  fi
  COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
  return 0
}

complete -F _hermes hermes
`;
}
