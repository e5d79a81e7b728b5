/** A running gate's title shows its time from this on: shorter ones finish before anyone waits. */
export const showElapsedAfterMs = 5_000;

/** Outside a terminal, a line for a gate still running, this often (and first after this long). */
export const heartbeatIntervalMs = 30_000;

/** `7 s`, `1 min 30 s`: how long a gate has been running, in whole seconds. */
export function elapsedText(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1_000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** `tests.unit  Unit tests (12 s)` once a gate has run `showElapsedAfterMs`; the title alone before. */
export function runningTitle(title: string, elapsedMs: number): string {
  return elapsedMs < showElapsedAfterMs ? title : `${title} (${elapsedText(elapsedMs)})`;
}

/** `… tests.integration still running (1 min 30 s)` */
export function heartbeatLine(id: string, elapsedMs: number): string {
  return `… ${id} still running (${elapsedText(elapsedMs)})`;
}
