import { measure } from '../../support/outcome.ts';
import type { CriterionResult, Finding } from './finding.ts';

export const headersCriterion = 'security headers';

/** The CSP's frame-ancestors directive, or null. */
function frameAncestors(csp: string | null): string | null {
  if (csp === null) return null;
  const directive = csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => /^frame-ancestors(\s|$)/i.test(d));
  return directive ?? null;
}

/** Why one required header fails, or null when it is met. */
function headerProblem(name: string, get: (name: string) => string | null): string | null {
  const value = get(name);
  switch (name.toLowerCase()) {
    case 'x-content-type-options':
      if (value === null) return `${name} missing`;
      return value.trim().toLowerCase() === 'nosniff' ? null : `${name} is "${value}", not nosniff`;
    case 'x-frame-options': {
      if (value !== null && ['deny', 'sameorigin'].includes(value.trim().toLowerCase())) return null;
      if (frameAncestors(get('content-security-policy')) !== null) return null;
      return value === null
        ? `${name} missing (and no CSP frame-ancestors)`
        : `${name} is "${value}", not DENY or SAMEORIGIN (and no CSP frame-ancestors)`;
    }
    default:
      return value === null || value.trim() === '' ? `${name} missing` : null;
  }
}

/** The form page's headers against the required list; each missing one fails, named. */
export function judgeHeaders(
  required: readonly string[],
  get: (name: string) => string | null,
  page: string,
): CriterionResult {
  const findings: Finding[] = required.map((name) => {
    const problem = headerProblem(name, get);
    return problem === null
      ? { level: 'pass', text: `${name} set` }
      : { level: 'fail', text: `${problem} on ${page}` };
  });
  const missing = findings.filter((f) => f.level === 'fail').length;
  return {
    criterion: headersCriterion,
    findings,
    measurements: [measure('security headers missing', missing, 'count', 0, '==')],
  };
}
