import type { Gate } from '../gate.ts';
import { codeGates } from './code/index.ts';
import { dbGates } from './db/index.ts';
import { deployGates } from './deploy/index.ts';
import { e2eGates } from './e2e/index.ts';
import { envGates } from './env/index.ts';
import { perfGates } from './perf/index.ts';
import { securityGates } from './security/index.ts';
import { testGates } from './tests/index.ts';

/** Every built-in gate: the spec's §1 pre-deployment checks, the deploy stage's (§2), then the post-deploy stage's (§3). */
export function builtinGates(): Gate[] {
  return [
    ...codeGates(),
    ...securityGates(),
    ...dbGates(),
    ...testGates(),
    ...envGates(),
    ...deployGates(),
    ...e2eGates(),
    ...perfGates(),
  ];
}
