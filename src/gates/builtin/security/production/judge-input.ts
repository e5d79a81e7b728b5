import { measure, plural } from '../../support/outcome.ts';
import type { CriterionResult, Finding } from './finding.ts';

export const inputCriterion = 'input validation';

export interface InputProbe {
  name: string;
  status: number | null;
  failure?: string;
}

/**
 * Each malformed submission must be answered 4xx (429, the intake's rate limit, counts as one but
 * is reported); and no row may carry the corpus's markers afterwards. `stored` null: not counted.
 */
export function judgeInput(
  probes: readonly InputProbe[],
  stored: number | null,
  storeFailure?: string,
): CriterionResult {
  const findings: Finding[] = [];
  for (const probe of probes) {
    if (probe.status === null)
      findings.push({ level: 'fail', text: `${probe.name}: no answer (${probe.failure ?? 'unknown'})` });
    else if (probe.status < 400 || probe.status >= 500)
      findings.push({ level: 'fail', text: `${probe.name} answered ${String(probe.status)}, not 4xx` });
  }
  if (stored === null)
    findings.push({ level: 'warn', text: `stored rows not counted: ${storeFailure ?? 'unknown reason'}` });
  else if (stored > 0)
    findings.push({ level: 'fail', text: `${plural(stored, 'row')} stored from the malformed submissions` });
  const refused = probes.filter((p) => p.status !== null && p.status >= 400 && p.status < 500).length;
  const limited = probes.filter((p) => p.status === 429).length;
  const unauthorised = probes.filter((p) => p.status === 401).length;
  if (refused > 0 && limited + unauthorised === refused)
    findings.push({
      level: 'warn',
      text: 'every submission was refused by the rate limit or an API key requirement: validation itself not reached',
    });
  else if (limited > 0)
    findings.push({
      level: 'note',
      text: `${plural(limited, 'submission')} answered 429 (the intake's rate limit)`,
    });
  if (!findings.some((f) => f.level === 'fail' || f.level === 'warn'))
    findings.push({
      level: 'pass',
      text: `${plural(probes.length, 'malformed submission')} refused, none stored`,
    });
  return {
    criterion: inputCriterion,
    findings,
    measurements: [
      measure('malformed submissions refused', refused, 'count', probes.length, '=='),
      measure('malformed submissions stored', stored ?? -1, 'count', 0, '=='),
      measure('malformed submissions answered 429', limited, 'count'),
    ],
    evidence: [
      {
        kind: 'rows',
        title: 'malformed submissions',
        content: probes.map((p) => ({ case: p.name, status: p.status ?? p.failure ?? 'no answer' })),
      },
    ],
  };
}
