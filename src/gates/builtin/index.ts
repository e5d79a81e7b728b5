import type { Gate } from '../gate.ts';
import { codeGates } from './code/index.ts';
import { dbGates } from './db/index.ts';
import { envGates } from './env/index.ts';
import { securityGates } from './security/index.ts';
import { testGates } from './tests/index.ts';

/** Every built-in gate: all of the spec's §1 pre-deployment checks. */
export function builtinGates(): Gate[] {
  return [...codeGates(), ...securityGates(), ...dbGates(), ...testGates(), ...envGates()];
}
