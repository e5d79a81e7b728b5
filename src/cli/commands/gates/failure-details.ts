import type { Evidence } from '../../../gates/gate.ts';
import { cleanText, evidenceText } from '../../../gates/reporters/report-text.ts';
import type { GateResult } from '../../../gates/stage-run-result.ts';
import { maskPii } from '../../../observability/mask-pii.ts';
import { outputTail } from '../../../text/output-tail.ts';

/** Evidence lines a terminal shows under a failed gate; the report holds the rest. */
export const terminalEvidenceLines = 15;

// The runner masked the result already, as for the reports; masking again is idempotent and keeps
// the terminal free of personal data whatever built the result.
const safe = (text: string): string => maskPii(cleanText(text), { report: true });

/** The evidence a person reads first: the first text (a tool's output), else the first rows. */
function firstEvidence(evidence: readonly Evidence[]): Evidence | undefined {
  return (
    evidence.find((item) => typeof item.content === 'string' && item.content.trim() !== '') ??
    evidence.find((item) => typeof item.content !== 'string' && item.content.length > 0)
  );
}

/** A text's last lines (a tool prints its verdict last), a table's first rows. */
function evidenceLines(item: Evidence, lines: number): string[] {
  if (typeof item.content === 'string') return outputTail(safe(item.content), lines).split('\n');
  const rows = item.content.slice(0, lines);
  const more = item.content.length - rows.length;
  return [
    ...safe(evidenceText({ ...item, content: rows })).split('\n'),
    ...(more > 0 ? [`… ${more} more rows`] : []),
  ];
}

/**
 * What a terminal prints under a failed or erroring gate, so `--no-reports` still says why: the
 * reason (when it adds to the summary) and the tail of the first evidence, under its title.
 * Nothing for any other status.
 */
export function failureDetails(result: GateResult, lines = terminalEvidenceLines): string[] {
  if (result.status !== 'fail' && result.status !== 'error') return [];
  const details: string[] = [];
  // A reason may be a tool's output (Prettier's parse error): bounded as the evidence is.
  if (result.reason !== undefined && result.reason.trim() !== '' && result.reason !== result.summary) {
    const [first = '', ...rest] = outputTail(safe(result.reason), lines).split('\n');
    details.push(`reason: ${first}`, ...rest.map((line) => `  ${line}`));
  }
  const item = firstEvidence(result.evidence);
  if (item) details.push(`${safe(item.title)}:`, ...evidenceLines(item, lines).map((line) => `  ${line}`));
  return details;
}

/** The details indented under a gate's line. */
export function indented(details: readonly string[], indent = '    '): string[] {
  return details.map((line) => `${indent}${line}`.trimEnd());
}
