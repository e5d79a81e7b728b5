import type { Command } from 'commander';
import { hermesVersion } from '../../../observability/version.ts';
import type { CliContext } from '../../context.ts';
import { bashScript } from './bash-script.ts';
import { completionTree, type CompletionCommand } from './completion-tree.ts';
import { fullProgram } from './full-program.ts';
import { zshScript } from './zsh-script.ts';

type Shell = 'bash' | 'zsh';

const shells: Readonly<Record<Shell, { description: string; script: typeof bashScript }>> = {
  bash: {
    description: 'the bash completion script; install: source <(hermes completion bash), e.g. in ~/.bashrc',
    script: bashScript,
  },
  zsh: {
    description:
      'the zsh completion script; install: hermes completion zsh > ~/.zfunc/_hermes (a directory on $fpath)',
    script: zshScript,
  },
};

/** The completion script for `shell`, of the whole program (every group loaded: only here). */
export async function completionScript(shell: Shell): Promise<{ tree: CompletionCommand[]; script: string }> {
  const tree = completionTree(await fullProgram());
  return { tree, script: shells[shell].script(tree, hermesVersion) };
}

export function registerCompletion(completion: Command, ctx: CliContext): void {
  for (const shell of Object.keys(shells) as Shell[]) {
    completion
      .command(shell)
      .description(shells[shell].description)
      .action(async () => {
        const { tree, script } = await completionScript(shell);
        // --json gives the data the script is made of, for other shells and tools.
        ctx.output.result({ shell, commands: tree }, () => ctx.output.line(script.trimEnd()));
      });
  }
}
