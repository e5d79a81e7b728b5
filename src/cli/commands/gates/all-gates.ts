import type { HermesConfig } from '../../../config/schema.ts';
import { builtinGates } from '../../../gates/builtin/index.ts';
import { customGates } from '../../../gates/custom/custom-gates.ts';
import type { Gate } from '../../../gates/gate.ts';

/** Every gate Hermes knows: the built-in ones, then the team's from `gates.custom`. */
export function allGates(config: Readonly<HermesConfig>): Gate[] {
  return [...builtinGates(), ...customGates(config)];
}
