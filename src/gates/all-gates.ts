import type { HermesConfig } from '../config/schema.ts';
import { builtinGates } from './builtin/index.ts';
import { customGates } from './custom/custom-gates.ts';
import type { Gate } from './gate.ts';

/** Every gate Hermes knows: the built-in ones, then the team's from `gates.custom`. */
export function allGates(config: Readonly<HermesConfig>): Gate[] {
  return [...builtinGates(), ...customGates(config)];
}
