import type { Gate } from '../../gate.ts';
import { variablesGate } from './variables.ts';

/** §1.4.1 environment validation. */
export function envGates(): Gate[] {
  return [variablesGate];
}
