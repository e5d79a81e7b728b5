import type { Evidence } from '../gate.ts';
import type { GateResult, StageRun } from '../stage-run-result.ts';
import { escapeHtml } from '../../text/escape-html.ts';
import { formatDuration } from '../../text/duration.ts';
import { cleanText, countsText, evidenceLimit, evidenceText, statusLabel } from './report-text.ts';

// cleanText first: a tool's terminal colours and control characters mean nothing on a page.
const esc = (text: string | number): string => escapeHtml(cleanText(String(text)));

const style = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d232a}
h1{font-size:1.5rem;margin-bottom:.25rem}.meta{color:#5b6570;margin:.25rem 0}
table{border-collapse:collapse;width:100%;margin:.75rem 0}th,td{border-bottom:1px solid #e3e7eb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f7f9}.badge{display:inline-block;border-radius:.25rem;padding:0 .4rem;font-weight:600;font-size:.8rem;color:#fff}
.pass{background:#1f883d}.warn{background:#bf8700}.fail{background:#cf222e}.error{background:#8250df}.skip{background:#6e7781}
.run-passed{color:#1f883d}.run-failed{color:#cf222e}.run-error{color:#8250df}
section.gate{border:1px solid #e3e7eb;border-radius:.4rem;padding:.5rem 1rem;margin:.75rem 0}
pre{background:#f5f7f9;padding:.5rem;overflow:auto;max-height:30rem;font-size:12px}.note{background:#fff8c5;padding:.5rem}
`;

const badge = (status: GateResult['status']): string =>
  `<span class="badge ${status}">${statusLabel[status]}</span>`;

function evidenceHtml(evidence: Evidence): string {
  if (typeof evidence.content === 'string' || evidence.content.length === 0)
    return `<details><summary>${esc(evidence.title)}</summary><pre>${esc(evidenceText(evidence))}</pre></details>`;
  const rows = evidence.content.slice(0, evidenceLimit.rows);
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cellOf = (value: unknown): string =>
    esc(typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value));
  return `<details><summary>${esc(evidence.title)} (${evidence.content.length} rows)</summary><table><tr>${columns
    .map((c) => `<th>${esc(c)}</th>`)
    .join('')}</tr>${rows
    .map((row) => `<tr>${columns.map((c) => `<td>${cellOf(row[c])}</td>`).join('')}</tr>`)
    .join('')}</table></details>`;
}

function gateSection(r: GateResult): string {
  const measurements =
    r.measurements.length === 0
      ? ''
      : `<table><tr><th>measurement</th><th>value</th><th>threshold</th><th>verdict</th></tr>${r.measurements
          .map(
            (m) =>
              `<tr><td>${esc(m.name)}</td><td>${esc(m.value)} ${esc(m.unit)}</td><td>${
                m.threshold !== undefined && m.comparison ? esc(`${m.comparison} ${m.threshold}`) : ''
              }</td><td>${m.passed === undefined ? '' : m.passed ? 'pass' : 'fail'}</td></tr>`,
          )
          .join('')}</table>`;
  return `<section class="gate" id="${esc(r.id)}"><h3>${badge(r.status)} ${esc(r.id)}: ${esc(r.title)}</h3>
<p>${esc(r.summary)}</p>${r.reason && r.reason !== r.summary ? `<p>Reason: ${esc(r.reason)}</p>` : ''}${
    r.status !== r.outcomeStatus
      ? `<p>The gate returned ${esc(r.outcomeStatus)}; counted as ${esc(r.status)} by its policy.</p>`
      : ''
  }${measurements}${r.evidence.map(evidenceHtml).join('')}</section>`;
}

/** One self-contained page (no scripts, no external files) to attach to a CI run or open locally. */
export function htmlReport(run: StageRun): string {
  const { counts } = run;
  const rows = run.results
    .map(
      (r) =>
        `<tr><td><a href="#${esc(r.id)}">${esc(r.id)}</a>${r.blocking ? '' : ' (advisory)'}</td><td>${badge(r.status)}</td><td>${esc(r.summary)}</td><td>${esc(formatDuration(r.durationMs))}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Hermes gates: ${esc(run.stage)} ${esc(run.status)}</title><style>${style}</style></head>
<body>
<h1>Hermes gates: ${esc(run.stage)} — <span class="run-${esc(run.status)}">${esc(run.status.toUpperCase())}</span></h1>
<p class="meta">${esc(countsText(counts))} · ${esc(formatDuration(run.durationMs))} · exit code ${run.exitCode}</p>
<p class="meta">Run ${esc(run.id)} · ${esc(run.startedAt)} · environment ${esc(run.environment)} · Hermes ${esc(run.hermesVersion)} · history ${
    run.history.recorded ? 'recorded' : `not recorded (${esc(run.history.reason ?? '')})`
  }</p>
${run.notes.map((note) => `<p class="note">${esc(note)}</p>`).join('\n')}
<table><tr><th>gate</th><th>status</th><th>summary</th><th>time</th></tr>
${rows}
</table>
<h2>Details</h2>
${run.results.map(gateSection).join('\n')}
</body></html>
`;
}
