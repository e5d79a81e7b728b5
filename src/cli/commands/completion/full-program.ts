import type { Command } from 'commander';

/**
 * The program with every group declared: completion must know all of it, while any other command
 * line declares only the groups it names. Imported when asked, so `program.ts` can load this module.
 */
export async function fullProgram(): Promise<Command> {
  const { buildProgram } = await import('../../program.ts');
  const program = buildProgram();
  await program.declareGroupsNamedIn(program.command.commands.map((group) => group.name()));
  return program.command;
}
