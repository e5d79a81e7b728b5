/**
 * Resolves on the first SIGTERM or SIGINT. Call it before starting anything: a signal that arrives
 * before the listener exists kills the process with the default action, mid start-up, with no
 * drain (a supervisor may signal as soon as it reads the "listening" line).
 */
export function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}
