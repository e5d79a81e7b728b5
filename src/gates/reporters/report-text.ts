import { stripVTControlCharacters } from 'node:util';
import type { Evidence, GateStatus, Measurement } from '../gate.ts';
import type { RunCounts } from '../stage-run-result.ts';

/** Shared wording of the reporters, so every format says the same thing. */

export const statusLabel: Record<GateStatus, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  skip: 'SKIP',
  error: 'ERROR',
};

export const statusIcon: Record<GateStatus, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  skip: '⏭️',
  error: '💥',
};

/** Evidence beyond this many lines or rows is cut in the human formats (the JSON keeps it all). */
export const evidenceLimit = { lines: 200, rows: 50 };

/** Text without terminal escapes or characters XML 1.0 cannot hold. */
export function cleanText(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing exactly those characters
  return stripVTControlCharacters(text).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

/** `19 gates, 10 passed, 2 warned, 5 failed, 2 errors, 0 skipped` */
export function countsText(counts: RunCounts): string {
  return `${counts.total} gate${counts.total === 1 ? '' : 's'}, ${counts.pass} passed, ${counts.warn} warned, ${counts.fail} failed, ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.skip} skipped`;
}

/** `errors = 0 count (threshold <= 0) ✔` */
export function formatMeasurement(m: Measurement): string {
  const threshold =
    m.threshold !== undefined && m.comparison ? ` (must be ${m.comparison} ${m.threshold})` : '';
  const verdict = m.passed === undefined ? '' : m.passed ? ' ✔' : ' ✘';
  return `${m.name} = ${m.value} ${m.unit}${threshold}${verdict}`;
}

/** The evidence as text, rows as `key: value` lines, cut to `evidenceLimit`. */
export function evidenceText(evidence: Evidence): string {
  if (typeof evidence.content === 'string') {
    const lines = cleanText(evidence.content).split('\n');
    return lines.length > evidenceLimit.lines
      ? [...lines.slice(0, evidenceLimit.lines), `… ${lines.length - evidenceLimit.lines} more lines`].join(
          '\n',
        )
      : lines.join('\n');
  }
  const rows = evidence.content.slice(0, evidenceLimit.rows).map((row) =>
    Object.entries(row)
      .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(', '),
  );
  const more = evidence.content.length - rows.length;
  return cleanText([...rows, ...(more > 0 ? [`… ${more} more rows`] : [])].join('\n'));
}
