import type { Command } from 'commander';
import type { CliContext } from '../../context.ts';
import { registerGatesExplain } from './explain-command.ts';
import { registerGatesHistory } from './history-command.ts';
import { registerGatesList } from './list-command.ts';
import { registerGatesRun } from './run-command.ts';
import { registerGatesValidate } from './validate-command.ts';

export function registerGates(gates: Command, ctx: CliContext): void {
  registerGatesList(gates, ctx);
  registerGatesRun(gates, ctx);
  registerGatesExplain(gates, ctx);
  registerGatesValidate(gates, ctx);
  registerGatesHistory(gates, ctx);
}
