import type { Gate } from '../../gate.ts';
import { coverageGate } from './coverage.ts';
import { integrationTestsGate } from './integration.ts';
import { performanceGate } from './performance.ts';
import { unitTestsGate } from './unit.ts';

/** §1.2 test gates. */
export function testGates(): Gate[] {
  return [unitTestsGate, coverageGate, integrationTestsGate, performanceGate];
}
