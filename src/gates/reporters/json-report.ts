import type { StageRun } from '../stage-run-result.ts';

/** The run object itself: what tools and the dashboard read. */
export function jsonReport(run: StageRun): string {
  return `${JSON.stringify(run, null, 2)}\n`;
}
