import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import { validateGates } from '../../../gates/runner/validate-gates.ts';
import type { CliContext } from '../../context.ts';
import { allGates } from '../../../gates/all-gates.ts';

export function registerGatesValidate(gates: Command, ctx: CliContext): void {
  gates
    .command('validate')
    .description(
      'check the gates configuration (thresholds, overrides, custom gates, dependencies); exit 2 naming each key at fault',
    )
    .action(() => {
      // An invalid `gates:` section fails here, in loadConfig, with each key named.
      const loaded = ctx.loaded();
      const all = allGates(loaded.config);
      const problems = validateGates(all, loaded.config);
      if (problems.length > 0)
        throw new HermesError('gates_invalid', 'the gates are not valid as configured', {
          details: problems,
        });
      const custom = loaded.config.gates.custom.length;
      ctx.output.result({ ok: true, file: loaded.file, gates: all.length, custom }, () =>
        ctx.output.line(
          `gates valid: ${all.length} gates (${all.length - custom} built-in, ${custom} custom)${loaded.file ? ` in ${loaded.file}` : ''}`,
        ),
      );
    });
}
