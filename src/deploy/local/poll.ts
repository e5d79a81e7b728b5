import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
}

/**
 * Tries `attempt` every `intervalMs` until it succeeds (returns null), the deadline passes or the
 * signal aborts; then null, or the last reason it gave for not yet. What it throws ends the wait.
 */
export async function poll(
  attempt: () => Promise<string | null>,
  options: PollOptions,
): Promise<string | null> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline && options.signal?.aborted !== true) {
    const reason = await attempt();
    if (reason === null) return null;
    last = reason;
    await sleep(options.intervalMs);
  }
  return last;
}
