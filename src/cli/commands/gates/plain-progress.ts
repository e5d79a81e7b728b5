import type { RunEvent } from '../../../gates/runner/run-planned-gates.ts';
import { statusLabel } from '../../../gates/reporters/report-text.ts';
import { formatDuration } from '../../../text/duration.ts';
import type { GateResult } from '../../../gates/stage-run-result.ts';
import { heartbeatIntervalMs, heartbeatLine } from './elapsed.ts';
import { failureDetails, indented } from './failure-details.ts';
import type { GateProgress } from './gate-progress.ts';

const icon: Record<GateResult['status'], string> = { pass: '✔', warn: '⚠', fail: '✘', skip: '↓', error: '✘' };

/** `✔ code.lint  PASS  0 ESLint errors (2.1 s)`: one line per gate as it finishes (CI, pipes). */
export function gateLine(result: GateResult): string {
  const advisory = result.blocking ? '' : ' (advisory)';
  const time = result.startedAt ? ` (${formatDuration(result.durationMs)})` : '';
  return `${icon[result.status]} ${result.id}  ${statusLabel[result.status]}${advisory}  ${result.summary}${time}`;
}

/** The gate's line, and under a failed or erroring one why (its reason and evidence tail). */
export function gateBlock(result: GateResult): string[] {
  return [gateLine(result), ...indented(failureDetails(result))];
}

export interface PlainProgressOptions {
  /** How long a gate runs before a heartbeat line, and between them (default 30 s). */
  heartbeatMs?: number;
}

/** Line by line, for logs: each gate when it finishes, and a heartbeat for one still running. */
export function plainProgress(
  write: (line: string) => void,
  options: PlainProgressOptions = {},
): GateProgress {
  const every = options.heartbeatMs ?? heartbeatIntervalMs;
  const heartbeats = new Map<string, NodeJS.Timeout>();
  const quiet = (id: string): void => {
    clearInterval(heartbeats.get(id));
    heartbeats.delete(id);
  };
  return {
    start: () => undefined,
    onEvent(event: RunEvent) {
      const { id } = event.gate;
      if (event.type === 'start') {
        const startedAt = Date.now();
        const timer = setInterval(() => write(heartbeatLine(id, Date.now() - startedAt)), every);
        // A heartbeat never keeps the process alive on its own.
        timer.unref();
        quiet(id);
        heartbeats.set(id, timer);
      }
      if (event.type === 'finish') {
        quiet(id);
        for (const line of gateBlock(event.result)) write(line);
      }
    },
    stop() {
      for (const id of [...heartbeats.keys()]) quiet(id);
      return Promise.resolve();
    },
  };
}
