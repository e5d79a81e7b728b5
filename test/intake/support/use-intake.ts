import { afterAll, beforeAll } from 'vitest';
import { startIntake, type IntakeUnderTest, type StartOptions } from './start-intake.ts';

/**
 * The intake server for the enclosing `describe` (or file): started in its beforeAll, closed in
 * its afterAll, as useTestDatabase. Read it in tests and hooks only, once it is started.
 */
export function useIntake(options: StartOptions = {}): IntakeUnderTest {
  let current: IntakeUnderTest | undefined;
  beforeAll(async () => {
    current = await startIntake(options);
  });
  afterAll(async () => {
    await current?.close();
  });
  // Every property read goes to the server started for this describe (its methods use no `this`).
  return new Proxy({} as IntakeUnderTest, {
    get(_target, property) {
      if (!current) throw new Error('useIntake(): read before its beforeAll ran');
      return Reflect.get(current, property) as unknown;
    },
  });
}
