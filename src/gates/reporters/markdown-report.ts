import type { GateResult, StageRun } from '../stage-run-result.ts';
import { formatDuration } from '../../text/duration.ts';
import { cleanText, countsText, evidenceText, statusIcon, statusLabel } from './report-text.ts';

const cell = (text: string): string => cleanText(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** A fence longer than any backtick run inside, so evidence can't close it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function section(result: GateResult): string[] {
  const lines = [
    `### ${statusIcon[result.status]} ${result.id}: ${cell(result.title)}`,
    '',
    cell(result.summary),
    '',
  ];
  if (result.reason && result.reason !== result.summary) lines.push(`Reason: ${cell(result.reason)}`, '');
  if (result.status !== result.outcomeStatus)
    lines.push(`The gate returned ${result.outcomeStatus}; counted as ${result.status} by its policy.`, '');
  if (result.measurements.length > 0) {
    lines.push('| measurement | value | threshold | verdict |', '| --- | --- | --- | --- |');
    for (const m of result.measurements) {
      const threshold = m.threshold !== undefined && m.comparison ? `${m.comparison} ${m.threshold}` : '';
      const verdict = m.passed === undefined ? '' : m.passed ? 'pass' : 'fail';
      lines.push(`| ${cell(m.name)} | ${m.value} ${cell(m.unit)} | ${threshold} | ${verdict} |`);
    }
    lines.push('');
  }
  for (const evidence of result.evidence) {
    lines.push(
      `<details><summary>${cell(evidence.title).replace(/</g, '&lt;')}</summary>`,
      '',
      fenced(evidenceText(evidence)),
      '',
      '</details>',
      '',
    );
  }
  return lines;
}

/** Markdown for a pull-request comment or a CI job summary. */
export function markdownReport(run: StageRun): string {
  const { counts } = run;
  const lines = [
    `# Hermes gates: ${run.stage} — ${run.status.toUpperCase()}`,
    '',
    `${countsText(counts)} · ${formatDuration(run.durationMs)} · exit code ${run.exitCode}`,
    '',
    `Run \`${run.id}\` · ${run.startedAt} · environment ${run.environment} · Hermes ${run.hermesVersion} · history ${run.history.recorded ? 'recorded' : `not recorded (${cell(run.history.reason ?? '')})`}`,
    '',
    ...run.notes.map((note) => `> ${cell(note)}`),
    ...(run.notes.length > 0 ? [''] : []),
    '| gate | status | summary | time |',
    '| --- | --- | --- | --- |',
    ...run.results.map(
      (r) =>
        `| ${r.id}${r.blocking ? '' : ' (advisory)'} | ${statusIcon[r.status]} ${statusLabel[r.status]} | ${cell(r.summary)} | ${formatDuration(r.durationMs)} |`,
    ),
    '',
    '## Details',
    '',
    ...run.results.flatMap(section),
  ];
  return `${lines.join('\n').trimEnd()}\n`;
}
