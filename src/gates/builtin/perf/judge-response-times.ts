import type { ResponseTimesSettings } from '../../../config/sections/perf-thresholds.ts';
import type { Evidence, GateOutcome, Measurement } from '../../gate.ts';
import { measure } from '../support/outcome.ts';
import { judgeBaseline, recordedValues, type BaselineJudgement } from './baseline.ts';
import { figureNames, type Figure, type FigureKey } from './response-figures.ts';
import type { RecordedResult } from './sql/recorded-figures.ts';

export type ResponseCriteria = Pick<
  ResponseTimesSettings,
  | 'apiAverageMs'
  | 'dbQueryAverageMs'
  | 'webhookP95Ms'
  | 'minRequests'
  | 'baselineMinimum'
  | 'maxDegradation'
  | 'degradationFloorMs'
>;

/** The earlier deployments' results, or why they could not be read. */
export type Baseline = { results: readonly RecordedResult[] } | { failure: string };

const limitOf = (key: FigureKey, c: ResponseCriteria): number =>
  ({ api: c.apiAverageMs, db: c.dbQueryAverageMs, webhook: c.webhookP95Ms })[key];

/** One criterion's verdict: failures name the figure, gaps say why it could not be judged. */
interface Verdict {
  failures: string[];
  gaps: string[];
  notes: string[];
  measurements: Measurement[];
  row: Record<string, unknown>;
}

function baselineText(name: string, valueMs: number, judged: BaselineJudgement): string {
  if (judged.kind === 'none')
    return `${name}: no baseline yet (${String(judged.deployments)} earlier succeeded deployments recorded it, ${String(judged.needed)} needed)`;
  const word = judged.kind === 'degraded' ? 'degraded' : 'within';
  return `${name} ${String(valueMs)} ms ${word}: baseline ${String(judged.baselineMs)} ms (median of ${String(judged.deployments)} deployments), limit ${String(judged.limitMs)} ms`;
}

function judgeFigure(figure: Figure, c: ResponseCriteria, baseline: Baseline): Verdict {
  const name = figureNames[figure.key];
  const limit = limitOf(figure.key, c);
  const verdict: Verdict = {
    failures: [],
    gaps: [],
    notes: [],
    measurements: [measure(`${name} observations`, figure.observations, 'count', c.minRequests, '>=')],
    row: { figure: name, observations: figure.observations, 'value ms': figure.valueMs ?? null, limit },
  };
  if (figure.valueMs === undefined || figure.observations < c.minRequests) {
    verdict.gaps.push(
      `${name} (${String(figure.observations)} observations, ${String(c.minRequests)} needed)`,
    );
    return verdict;
  }
  const value = figure.valueMs;
  // Only a judged figure is recorded under its name: the next deployments' baseline reads it back.
  verdict.measurements.push(measure(name, value, 'ms', limit, '<'));
  if (value >= limit) verdict.failures.push(`${name} ${String(value)} ms (limit < ${String(limit)} ms)`);
  if ('failure' in baseline) {
    verdict.gaps.push(`${name}'s baseline (the recorded figures could not be read: ${baseline.failure})`);
    return verdict;
  }
  const judged = judgeBaseline(
    value,
    recordedValues(baseline.results, name),
    c.baselineMinimum,
    c.maxDegradation,
    c.degradationFloorMs,
  );
  verdict.row = { ...verdict.row, baseline: judged.kind === 'none' ? null : judged.baselineMs };
  if (judged.kind === 'none') verdict.gaps.push(baselineText(name, value, judged));
  else {
    verdict.measurements.push(measure(`${name} baseline`, judged.baselineMs, 'ms'));
    verdict.measurements.push(measure(`${name} against its baseline`, value, 'ms', judged.limitMs, '<='));
    if (judged.kind === 'degraded')
      verdict.failures.push(`performance degradation: ${baselineText(name, value, judged)}`);
    else verdict.notes.push(baselineText(name, value, judged));
  }
  return verdict;
}

/**
 * §3.2.1: each figure with at least `minRequests` observations is below its limit and not above
 * its baseline × (1 + `maxDegradation`) (and baseline + `degradationFloorMs`). Fails naming every figure over; a figure with too few
 * observations, or no baseline yet, is the no-data policy's outcome (never a pass), its name given.
 */
export function judgeResponseTimes(
  figures: readonly Figure[],
  criteria: ResponseCriteria,
  baseline: Baseline,
  noData: (what: string) => GateOutcome,
  evidence: readonly Evidence[] = [],
): GateOutcome {
  const verdicts = figures.map((f) => judgeFigure(f, criteria, baseline));
  const failures = verdicts.flatMap((v) => v.failures);
  const gaps = verdicts.flatMap((v) => v.gaps);
  const measured = figures
    .filter((f) => f.valueMs !== undefined && f.observations >= criteria.minRequests)
    .map((f) => `${figureNames[f.key]} ${String(f.valueMs)} ms (${String(f.observations)})`);
  const figuresText = measured.length > 0 ? measured.join(', ') : 'no figure had enough observations';
  const judged = {
    measurements: verdicts.flatMap((v) => v.measurements),
    evidence: [
      { kind: 'rows' as const, title: 'figures over the window', content: verdicts.map((v) => v.row) },
      ...evidence,
    ],
  };
  const notes = verdicts.flatMap((v) => v.notes);
  const tail = [figuresText, ...(gaps.length > 0 ? [`not judged: ${gaps.join('; ')}`] : [])].join('; ');
  if (failures.length > 0) return { status: 'fail', summary: `${failures.join('; ')} — ${tail}`, ...judged };
  if (gaps.length > 0) {
    const outcome = noData(gaps.join('; '));
    return { ...outcome, summary: `${outcome.summary} — ${[figuresText, ...notes].join('; ')}`, ...judged };
  }
  return { status: 'pass', summary: [figuresText, ...notes].join('; '), ...judged };
}
