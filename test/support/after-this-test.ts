import { onTestFinished } from 'vitest';

/**
 * Registers `cleanup` for the end of the running test, pass or fail, so a failing test leaks
 * no database or pool. Outside a test (in a hook) it does nothing: whoever made the resource in
 * the hook releases it in the matching after-hook.
 */
export function afterThisTest(cleanup: () => Promise<void>): void {
  try {
    onTestFinished(cleanup);
  } catch {
    // Hook onTestFinished() can only be called inside a test: we are in a hook.
  }
}
