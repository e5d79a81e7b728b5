import { measure, plural } from '../../support/outcome.ts';
import type { CriterionResult, Finding } from './finding.ts';

export const authCriterion = 'authentication mechanisms';

export type AuthAttempt = 'no Authorization' | 'a wrong Bearer key';

/** One refused-or-not request to an admin route: its status, or why it got no answer. */
export interface AuthProbe {
  method: string;
  route: string;
  attempt: AuthAttempt;
  status: number | null;
  failure?: string;
}

/**
 * Every probe must be refused: 401, or 429 once the guard has answered 401 (the guard's lockout
 * answers before any key is looked at, so 429 is a refusal too). Anything else fails, named.
 * `unsent` are the probes (`GET /route with a wrong Bearer key`) the refused-attempts budget kept back.
 */
export function judgeAuth(probes: readonly AuthProbe[], unsent: readonly string[]): CriterionResult {
  const findings: Finding[] = [];
  const seen401 = probes.some((p) => p.status === 401);
  let refused = 0;
  let locked = 0;
  for (const probe of probes) {
    const what = `${probe.method} ${probe.route} with ${probe.attempt}`;
    if (probe.status === 401) refused += 1;
    else if (probe.status === 429 && seen401) {
      refused += 1;
      locked += 1;
    } else
      findings.push({
        level: 'fail',
        text:
          probe.status === null
            ? `${what}: no answer (${probe.failure ?? 'unknown'})`
            : `${what} answered ${String(probe.status)}, not 401`,
      });
  }
  if (probes.length === 0) findings.push({ level: 'warn', text: 'no admin route to probe' });
  if (findings.length === 0)
    findings.push({
      level: 'pass',
      text: `${plural(probes.length, 'unauthenticated admin request')} refused`,
    });
  if (locked > 0)
    findings.push({
      level: 'note',
      text: `${plural(locked, 'request')} answered 429: this address was over the admin guard's refused-attempts budget (refused before any key was looked at)`,
    });
  if (unsent.length > 0)
    findings.push({
      level: 'note',
      text: `not sent, to stay within the admin guard's refused-attempts budget of this address: ${unsent.join(', ')}`,
    });
  return {
    criterion: authCriterion,
    findings,
    measurements: [
      measure('admin requests refused', refused, 'count', probes.length, '=='),
      measure('admin requests answered 429', locked, 'count'),
    ],
    evidence: [
      {
        kind: 'rows',
        title: 'admin route probes',
        content: probes.map((p) => ({
          route: `${p.method} ${p.route}`,
          attempt: p.attempt,
          status: p.status ?? p.failure ?? 'no answer',
        })),
      },
    ],
  };
}
