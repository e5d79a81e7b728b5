import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { gateThresholdsSection } from '../../../config/sections/gate-thresholds.ts';
import type { GateOutcome } from '../../gate.ts';
import { skipOutcome } from '../support/outcome.ts';

const commandKey = 'gates.thresholds.tests.performance.command';
const defaultCommand = gateThresholdsSection.parse(undefined).tests.performance.command;

/**
 * The default command starts Hermes (`node bin/hermes.js serve`): on a project that neither is
 * Hermes nor vendors its bin/hermes.js it starts nothing, so the gate has no service to load.
 */
export function needsServiceCommand(command: readonly string[], hasHermesBin: boolean): boolean {
  return isDeepStrictEqual(command, defaultCommand) && !hasHermesBin;
}

/** The skip when the judged repository has no service command to load; undefined when it has one. */
export function serviceCommandSkip(command: readonly string[], cwd: string): GateOutcome | undefined {
  if (!needsServiceCommand(command, existsSync(resolve(cwd, 'bin', 'hermes.js')))) return undefined;
  return skipOutcome(
    'no service command configured for this project',
    `no service command configured for this project; set ${commandKey} (and requests): the default, \`${defaultCommand.join(' ')}\`, starts Hermes and this repository has no bin/hermes.js`,
  );
}
