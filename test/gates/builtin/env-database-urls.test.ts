import { describe, expect, it } from 'vitest';
import { databaseUrlProblem, variablesGate } from '../../../src/gates/builtin/env/variables.ts';
import { gateContext } from './support/gate-context.ts';

// env.variables on the database URLs it is given, one kind of input at a time.
describe('databaseUrlProblem', () => {
  it.each([
    ['postgres://app@db.internal:5432/hermes', null],
    ['postgresql://db.internal/hermes?sslmode=require', null],
    // A Unix socket: no host in the authority, the directory in ?host=.
    ['postgres:///hermes?host=/var/run/postgresql', null],
    ['mysql://db.internal/hermes', 'expected postgres:// or postgresql://'],
    [' postgres://db.internal/hermes', 'expected postgres:// or postgresql://'],
    ['postgres://db internal/hermes', 'not a parseable URL'],
    ['postgres://db.internal:99999/hermes', 'not a parseable URL'],
    ['postgres://db.internal:abc/hermes', 'not a parseable URL'],
    ['postgres:///hermes', 'no host'],
    ['postgres://db.internal', 'no database name'],
    ['postgres://db.internal/', 'no database name'],
  ])('%s: %s', (url, problem) => {
    expect(databaseUrlProblem(url)).toBe(problem);
  });
});

const run = (env: NodeJS.ProcessEnv, environment = 'production') =>
  variablesGate.run(gateContext({ env, config: { environment } }));
const production = { NODE_ENV: 'production', VERCEL_ENV: 'production' };

describe('env.variables on socket URLs and NODE_ENV in production', () => {
  it('takes two URLs of one socket directory as one database and two directories as two', async () => {
    const socket = (dir: string) => `postgres:///hermes?host=${dir}`;
    const same = await run({
      ...production,
      DATABASE_URL: socket('/var/run/postgresql'),
      POSTGRES_URL: `postgresql:///hermes?host=/VAR/run/postgresql`,
    });
    expect(same.status, same.summary).toBe('pass');
    const other = await run({
      ...production,
      DATABASE_URL: socket('/var/run/postgresql'),
      POSTGRES_URL: socket('/tmp'),
    });
    expect(other.status).toBe('fail');
    expect(other.summary).toBe(
      'DATABASE_URL and POSTGRES_URL name different databases (host, port, database or user differ; DATABASE_URL is used)',
    );
  });

  it('does not compare a malformed URL with the other: the malformation is the failure', async () => {
    const outcome = await run({
      ...production,
      DATABASE_URL: 'postgres://db.internal/hermes',
      POSTGRES_URL: 'postgres://db.internal',
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('POSTGRES_URL is malformed (no database name)');
  });

  it('fails a production run with another NODE_ENV, even one of the allowed values', async () => {
    const url = 'postgres://db.internal/hermes';
    const outcome = await run({
      NODE_ENV: 'development',
      VERCEL_ENV: 'preview',
      DATABASE_URL: url,
      POSTGRES_URL: url,
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('environment production with NODE_ENV=development');
    expect(outcome.measurements?.find((m) => m.name === 'invalid values')).toMatchObject({
      value: 1,
      passed: false,
    });
  });
});
