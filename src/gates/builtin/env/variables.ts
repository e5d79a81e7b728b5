import type { Gate, GateStatus } from '../../gate.ts';
import { listSome, measure } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';

const urlVariables = ['DATABASE_URL', 'POSTGRES_URL'] as const;

/** Why a database URL is malformed, or null; never repeats the URL (it holds a password). */
export function databaseUrlProblem(value: string): string | null {
  if (!/^postgres(ql)?:\/\//.test(value)) return 'expected postgres:// or postgresql://';
  if (!URL.canParse(value)) return 'not a parseable URL';
  const url = new URL(value);
  if (url.hostname === '' && !url.searchParams.has('host')) return 'no host';
  if (url.port !== '' && !/^\d+$/.test(url.port)) return 'invalid port';
  if (url.pathname.replace(/^\//, '') === '') return 'no database name';
  return null;
}

/** What names one database in a URL: host, port, database and user (not the password or options). */
function databaseIdentity(value: string): string | null {
  if (databaseUrlProblem(value) !== null) return null;
  const url = new URL(value);
  const host = (url.hostname || (url.searchParams.get('host') ?? '')).toLowerCase();
  return JSON.stringify([host, url.port || '5432', decodeURIComponent(url.pathname.slice(1)), url.username]);
}

export const variablesGate: Gate = {
  id: 'env.variables',
  stage: 'pre-deploy',
  title: 'Environment variables',
  description:
    "Checks the spec's variables (DATABASE_URL, POSTGRES_URL, NODE_ENV, VERCEL_ENV): the ones required in the current environment are present, database URLs are well-formed postgres:// URLs, NODE_ENV and VERCEL_ENV have allowed values, and they agree with the environment (VERCEL_ENV=production needs NODE_ENV=production; production needs NODE_ENV=production, set; in production DATABASE_URL and POSTGRES_URL must name the same database).",
  spec: '§1.4.1',
  timeoutMs: 5_000,
  thresholds: (config) =>
    describeThresholds(config, 'env', 'variables', {
      required: 'variables required in each environment',
      nodeEnvValues: 'allowed values of NODE_ENV',
      vercelEnvValues: 'allowed values of VERCEL_ENV',
    }),
  // eslint-disable-next-line @typescript-eslint/require-await -- the contract's run is async; this check needs no I/O
  async run(ctx) {
    const settings = gateThresholds(ctx.config).env.variables;
    const environment = ctx.config.environment;
    const env = ctx.env;
    const present = (name: string) => (env[name] ?? '').trim() !== '';
    // Production needs NODE_ENV whatever the configured list says: libraries pick their production
    // behaviour (error detail, caching) from it.
    const required =
      environment === 'production' && !settings.required.production.includes('NODE_ENV')
        ? [...settings.required.production, 'NODE_ENV']
        : settings.required[environment];
    const missing = required.filter((name) => !present(name));
    const failures: string[] = missing.map((name) => `missing ${name}`);
    const warnings: string[] = [];

    for (const name of urlVariables) {
      const value = env[name];
      if (value === undefined || value.trim() === '') continue;
      const problem = databaseUrlProblem(value.trim());
      if (problem) failures.push(`${name} is malformed (${problem})`);
    }
    const [databaseUrl, postgresUrl] = urlVariables.map((name) => env[name]?.trim());
    if (databaseUrl && postgresUrl) {
      const [a, b] = [databaseIdentity(databaseUrl), databaseIdentity(postgresUrl)];
      // The spec treats them as one database: two would mean a deploy that migrates one and serves the other.
      if (a !== null && b !== null && a !== b) {
        (environment === 'production' ? failures : warnings).push(
          'DATABASE_URL and POSTGRES_URL name different databases (host, port, database or user differ; DATABASE_URL is used)',
        );
      }
    }
    const nodeEnv = env.NODE_ENV?.trim();
    if (nodeEnv && !settings.nodeEnvValues.includes(nodeEnv)) {
      failures.push(`NODE_ENV="${nodeEnv}" is not one of ${settings.nodeEnvValues.join(', ')}`);
    }
    const vercelEnv = env.VERCEL_ENV?.trim();
    if (vercelEnv && !settings.vercelEnvValues.includes(vercelEnv)) {
      failures.push(`VERCEL_ENV="${vercelEnv}" is not one of ${settings.vercelEnvValues.join(', ')}`);
    }
    if (vercelEnv === 'production' && nodeEnv && nodeEnv !== 'production') {
      failures.push(`VERCEL_ENV=production with NODE_ENV=${nodeEnv}`);
    }
    if (environment === 'production' && nodeEnv && nodeEnv !== 'production') {
      failures.push(`environment production with NODE_ENV=${nodeEnv}`);
    }

    const checked = [...new Set([...required, ...urlVariables, 'NODE_ENV', 'VERCEL_ENV'])];
    const measurements = [
      measure('required variables', required.length, 'count'),
      measure('missing required variables', missing.length, 'count', 0, '=='),
      measure('invalid values', failures.length - missing.length, 'count', 0, '=='),
    ];
    const evidence = [
      {
        kind: 'rows' as const,
        title: `variables (environment ${environment})`,
        content: checked.map((name) => ({
          variable: name,
          required: required.includes(name),
          set: present(name),
        })),
      },
    ];
    let status: GateStatus = 'pass';
    if (failures.length > 0) status = 'fail';
    else if (warnings.length > 0) status = 'warn';
    const problems = [...failures, ...warnings];
    return {
      status,
      summary:
        problems.length > 0
          ? listSome(problems)
          : `environment ${environment}: ${required.length > 0 ? `${required.join(', ')} set` : 'no variable required'}, values valid`,
      measurements,
      evidence,
    };
  },
};
