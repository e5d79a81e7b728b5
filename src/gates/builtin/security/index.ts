import type { Gate } from '../../gate.ts';
import { securityCodeGate } from './code.ts';
import { dependenciesGate } from './dependencies.ts';
import { securityProductionGate } from './production/production.ts';

/** §1.1.2 security scanning before a deployment, §3.3.1 the production scan after it. */
export function securityGates(): Gate[] {
  return [dependenciesGate, securityCodeGate, securityProductionGate];
}
