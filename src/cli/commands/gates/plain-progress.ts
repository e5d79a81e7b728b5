import type { RunEvent } from '../../../gates/runner/run-planned-gates.ts';
import { statusLabel } from '../../../gates/reporters/report-text.ts';
import { formatDuration } from '../../../text/duration.ts';
import type { GateResult } from '../../../gates/stage-run-result.ts';
import type { GateProgress } from './gate-progress.ts';

const icon: Record<GateResult['status'], string> = { pass: '✔', warn: '⚠', fail: '✘', skip: '↓', error: '✘' };

/** `✔ code.lint  PASS  0 ESLint errors (2.1 s)`: one line per gate as it finishes (CI, pipes). */
export function gateLine(result: GateResult): string {
  const advisory = result.blocking ? '' : ' (advisory)';
  const time = result.startedAt ? ` (${formatDuration(result.durationMs)})` : '';
  return `${icon[result.status]} ${result.id}  ${statusLabel[result.status]}${advisory}  ${result.summary}${time}`;
}

export function plainProgress(write: (line: string) => void): GateProgress {
  return {
    start: () => undefined,
    onEvent(event: RunEvent) {
      if (event.type === 'finish') write(gateLine(event.result));
    },
    stop: () => Promise.resolve(),
  };
}
