import type { Gate } from '../../gate.ts';
import { buildGates } from './build.ts';

/** The deploy stage's built-in gates (§2). */
export function deployGates(): Gate[] {
  return [...buildGates()];
}
