import type { CompletionCommand, CompletionEntry } from './completion-tree.ts';
import { shellCase, shellQuote } from './shell-quote.ts';

/** `name:description` for zsh's `_describe`, the description on one line. */
function described(entry: CompletionEntry): string {
  return shellQuote(`${entry.name.replaceAll(':', '\\:')}:${entry.description.replace(/\s+/g, ' ').trim()}`);
}

/**
 * A static zsh completion script for `hermes`, descriptions shown. It works as an autoloaded
 * `_hermes` on $fpath (`#compdef`) and when sourced after compinit. `hermes_path`, not `path`:
 * zsh ties `path` to PATH.
 */
export function zshScript(tree: readonly CompletionCommand[], version: string): string {
  const key = (command: CompletionCommand): string => command.path.join(' ');
  const commands = shellCase(
    '$1',
    tree
      .filter((command) => command.commands.length > 0)
      .map((command) => [key(command), `reply=(${command.commands.map(described).join(' ')})`] as const),
    'reply=()',
  );
  const options = shellCase(
    '$1',
    tree.map(
      (command) =>
        [
          key(command),
          `reply=(${command.options
            .flatMap((option) =>
              option.flags.map((name) => described({ name, description: option.description })),
            )
            .join(' ')})`,
        ] as const,
    ),
    'reply=()',
  );
  const values = shellCase(
    '"$1|$2"',
    tree.flatMap((command) =>
      command.options
        .filter((option) => option.value !== 'none')
        .flatMap((option) =>
          option.flags.map((flag) => [`${key(command)}|${flag}`, `REPLY=${option.value}`] as const),
        ),
    ),
    "REPLY=''",
  );
  return `#compdef hermes
# zsh completion for hermes, printed by \`hermes completion zsh\` (Hermes ${version}).
# Install: hermes completion zsh > ~/.zfunc/_hermes, with fpath=(~/.zfunc $fpath) before compinit
# in ~/.zshrc; or source <(hermes completion zsh) after compinit.

# The subcommands of the command $1 ('gates run'; '' for hermes itself), as name:description.
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
  local hermes_path='' value='' word cur REPLY
  local -a reply
  local -i i
  for (( i = 2; i < CURRENT; i++ )); do
    word=\${words[i]}
    if [[ -n $value ]]; then
      value=''
      continue
    fi
    case $word in
      --) return 1 ;;
      -*=*) continue ;;
      -*)
        _hermes_option_value "$hermes_path" "$word"
        value=$REPLY
        continue
        ;;
      help) continue ;;
    esac
    _hermes_commands "$hermes_path"
    (( \${reply[(I)$word:*]} )) && hermes_path=\${hermes_path:+$hermes_path }$word
  done
  cur=\${words[CURRENT]}
  if [[ -z $value && $cur == -*=* ]]; then
    _hermes_option_value "$hermes_path" "\${cur%%=*}"
    value=$REPLY
    compset -P '*='
  fi
  case $value in
    file) _files; return ;;
    directory) _files -/; return ;;
    word) return 1 ;;
  esac
  if [[ $cur == -* ]]; then
    _hermes_options "$hermes_path"
    _describe -t options option reply
  else
    _hermes_commands "$hermes_path"
    (( $#reply )) && _describe -t commands command reply
  fi
}

if [[ $funcstack[1] == _hermes ]]; then
  _hermes "$@"
else
  compdef _hermes hermes
fi
`;
}
