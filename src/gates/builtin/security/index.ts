import type { Gate } from '../../gate.ts';
import { securityCodeGate } from './code.ts';
import { dependenciesGate } from './dependencies.ts';

/** §1.1.2 security scanning. */
export function securityGates(): Gate[] {
  return [dependenciesGate, securityCodeGate];
}
