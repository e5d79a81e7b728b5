import type { Gate } from '../../gate.ts';
import { formatGate } from './format.ts';
import { lintGate } from './lint.ts';
import { typesGate } from './types.ts';

/** §1.1.1 static analysis. */
export function codeGates(): Gate[] {
  return [lintGate, typesGate, formatGate];
}
